using Xunit.Abstractions;
using Xunit.Sdk;

namespace Showgeo.Web.Tests.Features.Assets;

/// <summary>
/// A fact that runs against whichever asset store its class's fixture uses. The same test body runs once per store
/// (a generic base class, one subclass per fixture); when the fixture is an <see cref="IS3App"/> and no S3 fake is
/// available (<see cref="S3Fake.SkipReason"/>), the test is reported as skipped instead.
/// </summary>
[XunitTestCaseDiscoverer("Showgeo.Web.Tests.Features.Assets.StoreFactDiscoverer", "Showgeo.Web.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = options.MethodDisplayOrDefault();
        var displayOptions = options.MethodDisplayOptionsOrDefault();
        var skip = NeedsS3(testMethod.TestClass.Class.ToRuntimeType()) ? S3Fake.SkipReason : null;
        yield return skip is null
            ? new XunitTestCase(diagnostics, display, displayOptions, testMethod)
            : new SkippedStoreTestCase(diagnostics, display, displayOptions, testMethod, skip);
    }

    private static bool NeedsS3(Type testClass) =>
        testClass.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)
                                           && typeof(IS3App).IsAssignableFrom(i.GetGenericArguments()[0]));
}

/// <summary>A test case skipped for a reason known only at discovery; the reason survives serialisation to the runner.</summary>
public sealed class SkippedStoreTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedStoreTestCase() { }

    public SkippedStoreTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions,
        ITestMethod testMethod, string reason)
        : base(diagnostics, display, displayOptions, testMethod) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }
}
