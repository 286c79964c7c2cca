using StorageOperator.Operator.Cli;
using StorageOperator.Operator.Hosting;
using Xunit;

namespace StorageOperator.Operator.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Run_flags_are_parsed()
    {
        var line = CommandLine.Parse(["run", "--kubeconfig", "/tmp/kc", "--namespace", "ns", "--leader-elect", "--metrics-address", "127.0.0.1:9090", "--workers", "4"]);
        Assert.Equal("run", line.Command);
        Assert.Equal(new OperatorOptions { Kubeconfig = "/tmp/kc", Namespace = "ns", LeaderElect = true, MetricsAddress = "127.0.0.1:9090", Workers = 4 }, line.Run);
    }

    [Fact]
    public void Generate_crds_flags_are_parsed()
    {
        var line = CommandLine.Parse(["generate-crds", "--out", "dir", "--check"]);
        Assert.Equal(("generate-crds", "dir", true), (line.Command, line.CrdOut, line.CrdCheck));
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("run", "--bogus")]
    [InlineData("run", "--workers", "0")]
    [InlineData("run", "--kubeconfig")]
    [InlineData("generate-crds", "--leader-elect")]
    public void Bad_command_lines_are_rejected(params string[] args)
    {
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(args));
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("[::1]:0", "::1", 0)]
    [InlineData("localhost:81", "127.0.0.1", 81)]
    public void Metrics_address_parses(string text, string ip, int port)
    {
        var endpoint = OperatorApp.ParseEndpoint(text);
        Assert.Equal((ip, port), (endpoint.Address.ToString(), endpoint.Port));
    }
}
