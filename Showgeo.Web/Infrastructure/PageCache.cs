using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Infrastructure;

/// <summary>How long an anonymous page may be served from this instance's output cache.</summary>
public sealed class PageCacheOptions
{
    public const string Section = "PageCache";

    /// <summary>Off: every page is rendered for every request.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The safety net: a cached page is dropped after this long even if no eviction reached it. Evictions are what keep
    /// pages fresh; this bounds what they do not cover (counters such as RSVPs and follower counts on cards, ticket
    /// sales short of selling out, the clock moving an event from upcoming to past).
    /// </summary>
    public int MaxDurationSeconds { get; set; } = 60;

    public TimeSpan MaxDuration => TimeSpan.FromSeconds(Math.Max(1, MaxDurationSeconds));
}

/// <summary>
/// The tags cached pages carry and the <c>showgeo_page_cache</c> notifications evict (migration 0148 sends them from
/// triggers on the tables, in the transaction that changes the row).
/// </summary>
public static class PageCacheTags
{
    /// <summary>Every cached page: evicted whole when an instance may have missed notifications.</summary>
    public const string All = "pages";
    /// <summary>Pages listing event cards (home, discovery): any listed event or its entity's card fields changed.</summary>
    public const string Listings = "listings";

    public static string Event(Guid id) => $"event:{id}";
    public static string Entity(Guid id) => $"entity:{id}";
    public static string Tour(Guid id) => $"tour:{id}";
}

/// <summary>
/// Output caching of public pages for anonymous visitors (https://learn.microsoft.com/aspnet/core/performance/caching/output).
/// A response is cached only when nothing in it can belong to one visitor: a GET or HEAD without a signed-in user, an
/// Authorization header or any cookie but the antiforgery one, whose query names only keys the page reads, and whose
/// response sets no cookie and issued no antiforgery token. The layout leaves its token holder out of such a page.
/// </summary>
public static class PageCache
{
    public const string EventPage = "event-page";
    public const string EntityPage = "entity-page";
    public const string TourPage = "tour-page";
    public const string HomePage = "home-page";
    public const string DiscoveryPage = "discovery-page";

    private static readonly object CandidateKey = new();
    private static readonly object TokenIssuedKey = new();

    /// <summary>The htmx request headers that change what a page returns (fragment or page; see <see cref="HtmxPages.WantsFragment"/>).</summary>
    internal static readonly StringValues VaryHeaders = new([
        HtmxRequestHeaders.Keys.Request, HtmxRequestHeaders.Keys.Boosted, HtmxRequestHeaders.Keys.HistoryRestoreRequest,
    ]);

    public static WebApplicationBuilder AddShowgeoPageCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PageCacheOptions>().Bind(builder.Configuration.GetSection(PageCacheOptions.Section));
        builder.Services.AddOutputCache(o =>
        {
            o.AddPolicy(EventPage, new AnonymousPagePolicy([], varyByCountry: true));
            o.AddPolicy(EntityPage, new AnonymousPagePolicy([], varyByCountry: false));
            o.AddPolicy(TourPage, new AnonymousPagePolicy([], varyByCountry: false));
            o.AddPolicy(HomePage, new AnonymousPagePolicy([], varyByCountry: false));
            o.AddPolicy(DiscoveryPage, new AnonymousPagePolicy(Features.Discovery.DiscoveryFilters.QueryKeys, varyByCountry: false));
        });
        builder.Services.AddHostedService<PageCacheEvictions>();
        // Wraps the framework's antiforgery so a response that issued a token (a form, the layout's holder) is never stored.
        var registered = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IAntiforgery))
            ?? throw new InvalidOperationException("AddShowgeoPageCache must follow the antiforgery registration (AddShowgeoWeb).");
        builder.Services.Remove(registered);
        builder.Services.AddSingleton<IAntiforgery>(sp => new TokenTrackingAntiforgery(
            (IAntiforgery)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
        return builder;
    }

    /// <summary>
    /// This request may be answered from, or stored in, the anonymous page cache; the layout then renders no
    /// antiforgery token (an anonymous visitor on such a page has nothing to post that needs one).
    /// </summary>
    public static bool IsAnonymousCopy(HttpContext http) => http.Items.ContainsKey(CandidateKey);

    /// <summary>Adds cache tags to the page being rendered (no-op when the request is not cached).</summary>
    public static void Tag(HttpContext http, params ReadOnlySpan<string> tags)
    {
        if (!IsAnonymousCopy(http) || http.Features.Get<IOutputCacheFeature>() is not { } feature) return;
        foreach (var tag in tags) feature.Context.Tags.Add(tag);
    }

    internal static void MarkTokenIssued(HttpContext http) => http.Items[TokenIssuedKey] = true;

    private sealed class AnonymousPagePolicy(string[] queryKeys, bool varyByCountry) : IOutputCachePolicy
    {
        private const string CountryKey = "country";

        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken ct)
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<PageCacheOptions>>().Value;
            var candidate = options.Enabled && IsCandidate(http);
            context.EnableOutputCaching = candidate;
            context.AllowCacheLookup = candidate;
            context.AllowCacheStorage = candidate;
            context.AllowLocking = true;
            if (!candidate) return ValueTask.CompletedTask;

            http.Items[CandidateKey] = true;
            context.ResponseExpirationTimeSpan = options.MaxDuration;
            context.CacheVaryByRules.HeaderNames = VaryHeaders;
            context.CacheVaryByRules.QueryKeys = queryKeys;
            // The geo rule reads the country as ViewerCountry normalises it: one entry per country, and one for "unknown".
            if (varyByCountry)
                context.CacheVaryByRules.VaryByValues[CountryKey] = http.RequestServices.GetRequiredService<ViewerCountry>().Current ?? "";
            context.Tags.Add(PageCacheTags.All);
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken ct)
        {
            var http = context.HttpContext;
            if (http.Response.StatusCode != StatusCodes.Status200OK
                || !StringValues.IsNullOrEmpty(http.Response.Headers.SetCookie)
                || http.Items.ContainsKey(TokenIssuedKey)
                || http.User.Identity?.IsAuthenticated == true)
                context.AllowCacheStorage = false;
            return ValueTask.CompletedTask;
        }

        private bool IsCandidate(HttpContext http)
        {
            var request = http.Request;
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
            if (http.User.Identity?.IsAuthenticated == true || request.Headers.ContainsKey("Authorization")) return false;
            // A cookie may carry a flash message, a cart or a half-finished sign-in; only the antiforgery cookie says nothing
            // the page shows.
            var antiforgeryCookie = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
            foreach (var cookie in request.Cookies)
                if (cookie.Key != antiforgeryCookie) return false;
            // A key the page does not read would still reach links on it (the sign-in return URL), so it is not shared.
            foreach (var key in request.Query.Keys)
                if (!queryKeys.Contains(key, StringComparer.OrdinalIgnoreCase)) return false;
            return true;
        }
    }

    private sealed class TokenTrackingAntiforgery(IAntiforgery inner) : IAntiforgery
    {
        public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext)
        {
            MarkTokenIssued(httpContext);
            return inner.GetAndStoreTokens(httpContext);
        }

        public AntiforgeryTokenSet GetTokens(HttpContext httpContext)
        {
            MarkTokenIssued(httpContext);
            return inner.GetTokens(httpContext);
        }

        public Task<bool> IsRequestValidAsync(HttpContext httpContext) => inner.IsRequestValidAsync(httpContext);

        public Task ValidateRequestAsync(HttpContext httpContext) => inner.ValidateRequestAsync(httpContext);

        public void SetCookieTokenAndHeader(HttpContext httpContext)
        {
            MarkTokenIssued(httpContext);
            inner.SetCookieTokenAndHeader(httpContext);
        }
    }
}
