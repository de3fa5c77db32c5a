using Microsoft.Extensions.Options;

namespace Showgeo.Web.Features.Events;

/// <summary>
/// Where the viewer's country comes from. Nothing is trusted by default: the header is read only when
/// <see cref="CountryHeader"/> names it, because only a proxy we run behind (a CDN) may set it; anyone can send it
/// straight to an exposed app.
/// </summary>
public sealed class GeoOptions
{
    public const string Section = "Geo";

    /// <summary>Request header carrying the ISO 3166-1 alpha-2 country set by the trusted proxy, e.g. <c>CF-IPCountry</c>.</summary>
    public string? CountryHeader { get; set; }

    /// <summary>Country to assume in Development and Testing only, for trying geo rules locally. Ignored elsewhere.</summary>
    public string? DevelopmentCountryOverride { get; set; }
}

/// <summary>
/// The viewer's country and the event geo rule. A rule lists allowed countries; an empty list means everywhere.
/// When a rule exists and the country is unknown (no header configured, header missing, or a non-country value such
/// as Cloudflare's <c>XX</c>/<c>T1</c>), the viewer is refused: a rule exists because the organiser must not sell or
/// admit outside those countries, so failing closed is the safe reading.
/// </summary>
public sealed class ViewerCountry(IHttpContextAccessor http, IOptions<GeoOptions> options, IHostEnvironment env)
{
    public const string NotAvailableMessage = "This event is not available in your region.";

    /// <summary>The current request's country (upper-case ISO alpha-2), or null when unknown.</summary>
    public string? Current
    {
        get
        {
            var o = options.Value;
            if ((env.IsDevelopment() || env.IsEnvironment("Testing")) && Normalise(o.DevelopmentCountryOverride) is { } dev)
                return dev;
            if (string.IsNullOrWhiteSpace(o.CountryHeader) || http.HttpContext is not { } ctx) return null;
            return Normalise(ctx.Request.Headers[o.CountryHeader].ToString());
        }
    }

    /// <summary>The geo rule for the current request. Pages do not call this themselves: <see cref="EventAccess"/> does.</summary>
    public bool AllowsCurrentViewer(Event e) => IsAllowed(e.AllowedCountries, Current);

    public static bool IsAllowed(IReadOnlyCollection<string> allowedCountries, string? country) =>
        allowedCountries.Count == 0 || (country is not null && allowedCountries.Contains(country, StringComparer.OrdinalIgnoreCase));

    private static string? Normalise(string? value)
    {
        var code = value?.Trim().ToUpperInvariant();
        return code is not null && IsoCountries.IsValid(code) ? code : null;
    }
}
