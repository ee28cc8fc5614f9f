namespace Nvsdk.Core.Errors;

/// <summary>The lock file cannot be read or is not valid; names the file and the JSON path.</summary>
public sealed class LockFileException : NvsdkException
{
    public LockFileException(string file, string jsonPath, string problem, Exception? innerException = null)
        : base(ErrorCode.InvalidInput, jsonPath == "$" ? $"{file}: {problem}" : $"{file}: {jsonPath}: {problem}", innerException)
    {
        File = file;
        JsonPath = jsonPath;
        Problem = problem;
    }

    public string File { get; }

    public string JsonPath { get; }

    public string Problem { get; }
}
