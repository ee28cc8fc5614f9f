namespace Nvsdk.Core.Errors;

/// <summary>The kubelet's pod-resources API did not answer as expected (socket gone, gRPC error, bad message).</summary>
public sealed class PodResourcesException : NvsdkException
{
    public PodResourcesException(string message, Exception? innerException = null)
        : base(ErrorCode.FetchFailed, message, innerException)
    {
    }
}
