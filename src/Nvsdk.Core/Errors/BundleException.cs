namespace Nvsdk.Core.Errors;

/// <summary>
/// An air-gapped bundle cannot be written or read: not a bundle, cut short, inconsistent with itself, or its
/// artifacts could not be gathered. <see cref="Bundle"/> names the file, <see cref="Problem"/> says what is wrong.
/// </summary>
public sealed class BundleException : NvsdkException
{
    public BundleException(ErrorCode code, string bundle, string problem, Exception? innerException = null)
        : base(code, $"bundle {bundle}: {problem}", innerException)
    {
        Bundle = bundle;
        Problem = problem;
    }

    public string Bundle { get; }

    public string Problem { get; }
}
