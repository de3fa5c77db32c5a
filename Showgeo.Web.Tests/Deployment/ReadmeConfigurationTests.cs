using System.Reflection;
using System.Text.RegularExpressions;
using Showgeo.Web.Data;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Deployment;

/// <summary>The README's configuration table names exactly the settings the code reads, no more and no fewer.</summary>
public sealed partial class ReadmeConfigurationTests
{
    [Fact]
    public void Every_setting_in_the_readme_table_is_read_by_the_code_and_every_setting_read_is_in_the_table()
    {
        Assert.Equal(SettingsTheCodeReads().Order(), SettingsInTheReadme().Order());
    }

    /// <summary>Settings the framework itself reads that the README documents for operators.</summary>
    // Read by the framework or by name rather than through an options class (OTEL_* is the standard OpenTelemetry variable).
    private static readonly string[] FrameworkSettings = ["AllowedHosts", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    /// <summary>
    /// The connection string, Render's URL and the framework settings above, plus every settable property of each
    /// options class bound from a section.
    /// </summary>
    private static IEnumerable<string> SettingsTheCodeReads()
    {
        var bound = typeof(DatabaseOptions).Assembly.GetTypes()
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Section is { IsLiteral: true } && x.Section.FieldType == typeof(string))
            .SelectMany(x => x.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true })
                .Select(p => $"{x.Section!.GetRawConstantValue()}:{p.Name}"));
        return bound.Append($"ConnectionStrings:{DatabaseOptions.ConnectionStringName}").Append("DATABASE_URL")
            .Concat(FrameworkSettings).Distinct();
    }

    private static IEnumerable<string> SettingsInTheReadme()
    {
        var readme = File.ReadAllText(RepoFiles.PathOf("README.md"));
        var section = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        var rows = section.Split('\n').SkipWhile(l => !l.StartsWith("| Setting", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|'));
        return rows.SelectMany(row => Quoted().Matches(row.Split('|')[1]).Select(m => m.Groups[1].Value)).ToList();
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Quoted();
}
