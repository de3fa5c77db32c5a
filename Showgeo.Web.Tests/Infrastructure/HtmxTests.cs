using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>The htmx plumbing every page shares: the config meta tag, the fragment-or-page rule, Vary, hx-* URLs.</summary>
public sealed class HtmxTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Layout_configures_htmx_to_send_requests_to_this_origin_only()
    {
        using var anon = app.CreateClient();
        var home = await anon.GetAsync("/");

        var meta = home.Document.QuerySelector("head meta[name=htmx-config]");
        Assert.NotNull(meta);
        using var config = JsonDocument.Parse(meta.GetAttribute("content")!);
        Assert.True(config.RootElement.GetProperty("selfRequestsOnly").GetBoolean());
        // The antiforgery token travels in the body's holder, refreshed on boosted navigation; not a second copy here.
        Assert.False(config.RootElement.TryGetProperty("antiForgery", out _));
    }

    [Fact]
    public async Task History_restore_and_boosted_requests_get_the_whole_page_and_plain_htmx_gets_the_fragment()
    {
        using var anon = app.CreateClient();

        async Task<string> GetAsync(params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
            foreach (var (name, value) in headers) request.Headers.Add(name, value);
            using var response = await anon.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.StartsWith("<section id=\"results\"", (await GetAsync(("HX-Request", "true"))).TrimStart());
        Assert.Contains("<html", await GetAsync(("HX-Request", "true"), ("HX-History-Restore-Request", "true")));
        Assert.Contains("<html", await GetAsync(("HX-Request", "true"), ("HX-Boosted", "true")));
        Assert.Contains("<html", await GetAsync());
    }

    [Theory]
    [InlineData("HX-Boosted", "1")]
    [InlineData("HX-History-Restore-Request", "yes")]
    public async Task A_hand_made_htmx_header_value_gets_the_whole_page_not_a_server_error(string header, string value)
    {
        using var anon = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add(header, value);

        using var response = await anon.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(page.QuerySelector("header.site-header"));
        Assert.NotNull(page.QuerySelector("#results"));
    }

    [Fact]
    public async Task Page_fragment_and_hx_redirect_replies_each_vary_on_hx_request_exactly_once()
    {
        var email = $"vary-{Tag()}@example.com";
        await app.UserAsync(email);
        using var client = app.CreateClient();

        var page = await client.GetAsync("/account/login");
        AssertVariesOnceOnHxRequest(page.Response);

        // The fragment helper and the page filter both see this reply.
        using var fragment = await client.SubmitRawAsync(page.Document, "#login-form",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = "wrong-password" }, htmx: true);
        Assert.DoesNotContain("<html", await fragment.Content.ReadAsStringAsync());
        AssertVariesOnceOnHxRequest(fragment);

        using var signedIn = await client.SubmitRawAsync(page.Document, "#login-form",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = Arrange.Password }, htmx: true);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.GetValues("HX-Redirect").Single());
        AssertVariesOnceOnHxRequest(signedIn);
    }

    private static void AssertVariesOnceOnHxRequest(HttpResponseMessage response) =>
        Assert.Single(response.Headers.Vary, v => v.Equals("HX-Request", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Every_htmx_request_on_every_page_goes_to_the_url_its_plain_form_posts_to()
    {
        var t = Tag();
        var shop = await app.EventWithTicketsAsync();
        var slug = shop.Entity.Slug;
        using var owner = await app.SignedInAsync(shop.Manager);
        var coordinator = await app.UserAsync($"coord-{t}@example.com", "Coordinator " + t);
        await app.AddMemberAsync(shop.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        var tourSlug = (await app.TourAsync(shop.Entity.Id, "tour-" + t, "Tour " + t)).Slug;
        await app.EventAsync(shop.Entity.Id, "free-" + t, startsAt: DateTimeOffset.UtcNow.AddDays(5), isFree: true);

        var fanUser = await app.UserAsync($"fan-{t}@example.com", "Fan " + t);
        using var fan = await app.SignedInAsync(fanUser);
        var profile = await fan.GetAsync($"/e/{slug}");
        await fan.SubmitAsync(profile.Document, $"#follow-{shop.Entity.Id}");
        var (held, _) = await app.PendingOrderAsync(shop, 1, fanUser);
        var payUrl = $"/pay/test/{held.Id}";

        using var admin = await app.SignedInAsync(await app.UserAsync($"admin-{t}@example.com", "Admin " + t, admin: true));
        using var anon = app.CreateClient();

        var ev = $"/manage/{slug}/events/{shop.Event.Id}";
        var pages = new (WebClient Client, string Url)[]
        {
            (owner, "/manage"), (owner, $"/manage/{slug}/edit"), (owner, $"/manage/{slug}/members"),
            (owner, $"/manage/{slug}/media"), (owner, $"/manage/{slug}/tours"), (owner, $"/manage/{slug}/tours/{tourSlug}"),
            (owner, $"/manage/{slug}/events/new"), (owner, $"{ev}/edit"), (owner, $"{ev}/art"), (owner, $"{ev}/tickets"),
            (owner, $"{ev}/checkin"), (owner, "/me/profile"), (owner, "/account/manage"),
            (fan, "/"), (fan, "/events"), (fan, $"/e/{slug}"), (fan, $"/events/free-{t}"), (fan, $"/checkout/{shop.Event.Id}"),
            (fan, payUrl), (fan, "/me/follows"),
            (admin, "/admin/entities"),
            (anon, "/account/login"), (anon, "/account/register"),
        };
        foreach (var (client, url) in pages)
        {
            var page = await client.GetAsync(url);
            Assert.True(page.Status == HttpStatusCode.OK, $"{url}: {page.Status}");
            AssertHtmxUrlsAreGenerated(url, page.Document);
        }
    }

    private static readonly string[] Verbs = ["hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"];

    private static void AssertHtmxUrlsAreGenerated(string pageUrl, IHtmlDocument document)
    {
        var requests = document.QuerySelectorAll(string.Join(",", Verbs.Select(v => $"[{v}]")));
        Assert.True(requests.Length > 0, $"{pageUrl} has no htmx requests to check");
        foreach (var element in requests)
        {
            var verb = Verbs.Single(element.HasAttribute);
            var target = element.GetAttribute(verb)!;
            Assert.True(target.StartsWith('/'), $"{pageUrl}: {verb}=\"{target}\" on <{element.LocalName} id={element.Id}>");
            if (element is IHtmlFormElement form)
                Assert.True(target == form.GetAttribute("action"),
                    $"{pageUrl}: {verb}=\"{target}\" but the form's action is \"{form.GetAttribute("action")}\"");
        }
        // Out-of-band markers belong only in follow replies: htmx acts on them inside boosted pages too.
        Assert.Empty(document.QuerySelectorAll("[hx-swap-oob]"));
    }
}
