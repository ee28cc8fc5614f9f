using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nvsdk.Testing;

/// <summary>What every real server the tests start on loopback needs: a free port, readiness, a clean stop.</summary>
public static class LoopbackProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls the port every 50 ms, at most <paramref name="attempts"/> times, while the process lives.</summary>
    public static async Task<bool> WaitForPortAsync(int port, Process process, int attempts)
    {
        for (var i = 0; i < attempts && !process.HasExited; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    /// <summary>Kills the server and its workers (nginx forks), waiting up to 5 s.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
