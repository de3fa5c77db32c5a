using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Page numbers and links for list pages. The number travels as <c>?page=</c>, which Razor Pages also uses as a route
/// value name, so it is read from and written to the query string directly rather than bound or routed.
/// </summary>
public static class QueryPaging
{
    /// <summary>1 when absent; null when it is not a whole number between 1 and <paramref name="max"/>.</summary>
    public static int? Parse(StringValues raw, int max)
    {
        if (StringValues.IsNullOrEmpty(raw)) return 1;
        return int.TryParse(raw.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
               && n >= 1 && n <= max ? n : null;
    }

    /// <summary>The current path and query with one parameter set (or removed when <paramref name="value"/> is null).</summary>
    public static string With(HttpRequest request, string key, string? value, params string[] alsoRemove)
    {
        var qb = new QueryBuilder();
        foreach (var (k, v) in request.Query)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase) || alsoRemove.Contains(k, StringComparer.OrdinalIgnoreCase)) continue;
            foreach (var item in v) if (!string.IsNullOrEmpty(item)) qb.Add(k, item);
        }
        if (value is not null) qb.Add(key, value);
        return request.PathBase + request.Path + qb.ToQueryString();
    }
}
