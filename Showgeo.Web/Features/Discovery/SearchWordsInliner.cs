using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Showgeo.Web.Features.Discovery;

/// <summary>
/// Writes a text search's words into its SQL as a literal instead of a parameter. Queries are prepared (auto-prepare),
/// and after five runs PostgreSQL may keep one generic plan for a prepared statement
/// (https://www.postgresql.org/docs/15/sql-prepare.html, "plan_cache_mode"); a generic plan cannot know how many
/// events a prefix matches, and the one it picked read every match and sorted them: 50-170 ms for "s" or "night"
/// at 100,000 events, where walking the date index takes about a millisecond. With the words in the text, every
/// search is planned for its own words. Only commands tagged <see cref="Tag"/> are touched, and their words come from
/// <see cref="DiscoveryFilters.TsQuery"/>, which holds nothing but letters, digits, "&amp;" and ":*".
/// </summary>
internal sealed partial class SearchWordsInliner : DbCommandInterceptor
{
    public const string Tag = "discovery text search: words inlined";
    public static readonly SearchWordsInliner Instance = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        Inline(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Inline(command);
        return ValueTask.FromResult(result);
    }

    private static void Inline(DbCommand command)
    {
        if (!command.CommandText.StartsWith("-- " + Tag, StringComparison.Ordinal)) return;
        var inlined = new List<DbParameter>();
        command.CommandText = ToTsQuery().Replace(command.CommandText, m =>
        {
            var parameter = command.Parameters.Cast<DbParameter>().First(p => p.ParameterName.TrimStart('@') == m.Groups[1].Value);
            inlined.Add(parameter);
            return $"to_tsquery('simple', '{((string)parameter.Value!).Replace("'", "''")}')";
        });
        foreach (var parameter in inlined.Distinct()) command.Parameters.Remove(parameter);
    }

    [GeneratedRegex(@"to_tsquery\('simple', @(\w+)\)")]
    private static partial Regex ToTsQuery();
}
