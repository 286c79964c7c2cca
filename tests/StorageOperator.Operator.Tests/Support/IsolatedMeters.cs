using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace StorageOperator.Operator.Tests.Support;

/// <summary>
/// A meter factory of its own: a global <c>new Meter(name)</c> would be picked up by every operator's
/// exporter in the test process and garble their Prometheus output.
/// </summary>
public static class IsolatedMeters
{
    public static IMeterFactory Factory() => new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
}
