using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Features.Assets;
using static Microsoft.Playwright.Assertions;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// Every Razor page of the app, opened in Chromium as the user it is meant for, under the real Content-Security-Policy:
/// no page may trigger a <c>securitypolicyviolation</c>, a console error or an uncaught script error. The pages come
/// from the app's own route table, so a new page fails the walk until <see cref="Catalog"/> says how to reach it.
/// </summary>
public sealed class ContentSecurityPolicyWalkTests(AssetsApp app) : IClassFixture<AssetsApp>
{
    private enum Who { Visitor, Fan, Manager, Admin }

    /// <param name="Values">Route values (and query string values) for the page.</param>
    /// <param name="Status">What the page answers: a few pages exist to answer an error (the error page itself, a
    /// page only Development serves).</param>
    private sealed record Visit(Who As, object? Values = null, int Status = 200, string? Note = null);

    /// <summary>What the walk arranges: demo-like data that makes every page show its full content.</summary>
    private sealed record Demo(
        AppUser Fan, AppUser Manager, AppUser Admin, TicketedEvent Tickets, string TourSlug, Guid PaidOrderId, Guid PendingOrderId,
        IReadOnlyDictionary<EventPhase, Event> ByPhase, Guid TierId = default, Guid PostId = default);

    /// <summary>
    /// How to reach each page, keyed by its page path ("/Events/Details"). A page listed here that no longer exists, or a
    /// page that exists but is missing here, fails the walk with a message naming it.
    /// </summary>
    private const string WalkProductSlug = "walk-tee";

    private static Dictionary<string, Visit[]> Catalog(Demo d)
    {
        var slug = d.Tickets.Entity.Slug;
        var eventId = d.Tickets.Event.Id;
        return new()
        {
            ["/Index"] = [new(Who.Visitor), new(Who.Fan)],
            ["/Error"] = [new(Who.Visitor, new { code = 404 }, Status: 404), new(Who.Visitor, new { code = 503 }, Status: 503)],
            ["/Discovery/Index"] = [new(Who.Visitor), new(Who.Fan, new { q = "Show" })],
            ["/Events/Details"] =
            [
                .. d.ByPhase.Where(p => p.Key != EventPhase.Draft).Select(p => new Visit(Who.Visitor, new { slug = p.Value.Slug }, Note: p.Key.ToString())),
                new(Who.Fan, new { slug = d.ByPhase[EventPhase.Pre].Slug }),
                new(Who.Manager, new { slug = d.ByPhase[EventPhase.Draft].Slug }, Note: "draft"),
            ],
            ["/Entities/Profile"] = [new(Who.Visitor, new { slug }), new(Who.Fan, new { slug })],
            ["/Tours/Details"] = [new(Who.Visitor, new { slug = d.TourSlug })],
            ["/Users/Profile"] = [new(Who.Visitor, new { handle = d.Fan.Handle })],
            ["/Account/Login"] = [new(Who.Visitor)],
            ["/Account/Register"] = [new(Who.Visitor)],
            ["/Account/AccessDenied"] = [new(Who.Fan, Status: 403)],
            ["/Account/ConfirmEmail"] = [new(Who.Visitor, Status: 400, Note: "a link without its code")],
            ["/Account/ExternalLogin"] = [new(Who.Visitor, Note: "redirects to sign-in")],
            ["/Account/LinkGoogle"] = [new(Who.Visitor, Note: "no Google sign-in pending: redirects to sign-in")],
            ["/Account/DevMail"] = [new(Who.Visitor, Status: 404, Note: "served in Development only")],
            ["/Account/Logout"] = [new(Who.Fan)],
            ["/Account/Manage"] = [new(Who.Fan)],
            ["/Users/EditProfile"] = [new(Who.Fan)],
            ["/Follow/Mine"] = [new(Who.Fan)],
            ["/Notifications/Inbox"] = [new(Who.Fan)],
            ["/Notifications/Preferences"] = [new(Who.Fan)],
            ["/Follow/Toggle"] = [new(Who.Fan, new { entityId = d.Tickets.Entity.Id }, Note: "redirects to the profile")],
            ["/Follow/Followers"] = [new(Who.Manager, new { slug })],
            ["/Tickets/Wallet"] = [new(Who.Fan)],
            ["/Tickets/Receipt"] = [new(Who.Fan, new { orderId = d.PaidOrderId })],
            ["/Tickets/Checkout"] = [new(Who.Fan, new { eventId })],
            ["/Payments/TestPayment"] = [new(Who.Fan, new { orderId = d.PendingOrderId })],
            ["/Entities/Manage/Index"] = [new(Who.Manager)],
            ["/Entities/Manage/Dashboard"] = [new(Who.Manager, new { slug })],
            ["/Entities/Manage/Edit"] = [new(Who.Manager, new { slug })],
            ["/Entities/Manage/Members"] = [new(Who.Manager, new { slug })],
            ["/Assets/EntityMedia"] = [new(Who.Manager, new { slug })],
            ["/Events/Manage/Index"] = [new(Who.Manager, new { slug })],
            ["/Events/Manage/New"] = [new(Who.Manager, new { slug })],
            ["/Events/Manage/Edit"] = [new(Who.Manager, new { slug, eventId })],
            ["/Events/Manage/Art"] = [new(Who.Manager, new { slug, eventId })],
            ["/Tickets/ManageTickets"] = [new(Who.Manager, new { slug, eventId })],
            ["/Tickets/CheckIn"] = [new(Who.Manager, new { slug, eventId })],
            ["/Streaming/ManageStream"] = [new(Who.Manager, new { slug, eventId })],
            ["/Tours/Manage/Index"] = [new(Who.Manager, new { slug })],
            ["/Tours/Manage/Edit"] = [new(Who.Manager, new { slug, tourSlug = d.TourSlug })],
            ["/Admin/Index"] = [new(Who.Admin)],
            ["/Admin/Entities"] = [new(Who.Admin)],
            ["/Admin/Users"] = [new(Who.Admin)],
            ["/Admin/Outbox"] = [new(Who.Admin)],
            ["/Chat/Room"] = [new(Who.Visitor, new { slug = d.ByPhase[EventPhase.Live].Slug }), new(Who.Fan, new { slug = d.ByPhase[EventPhase.Live].Slug })],
            ["/Chat/Moderate"] = [new(Who.Manager, new { slug = d.ByPhase[EventPhase.Live].Slug, messageId = Guid.Empty }, Status: 404, Note: "no such message")],
            ["/Chat/ModerationLog"] = [new(Who.Manager, new { slug })],
            ["/Store/Index"] = [new(Who.Visitor, new { slug })],
            ["/Store/Product"] = [new(Who.Visitor, new { slug, product = WalkProductSlug }), new(Who.Fan, new { slug, product = WalkProductSlug })],
            ["/Store/Cart"] = [new(Who.Fan)],
            ["/Store/Checkout"] = [new(Who.Fan, new { entityId = d.Tickets.Entity.Id })],
            ["/Store/MyOrders"] = [new(Who.Fan)],
            ["/Store/OrderDetails"] = [new(Who.Fan, new { orderId = d.PaidOrderId }, Status: 404, Note: "a ticket order is not a store order")],
            ["/Store/Manage/Store"] = [new(Who.Manager, new { slug })],
            ["/Store/Manage/ProductEdit"] = [new(Who.Manager, new { slug })],
            ["/Store/Manage/Orders"] = [new(Who.Manager, new { slug })],
            ["/Memberships/Manage"] = [new(Who.Manager, new { slug })],
            ["/Memberships/Mine"] = [new(Who.Fan)],
            ["/Memberships/Join"] = [new(Who.Fan, new { tierId = d.TierId }, Note: "a member already: the tier and its join button")],
            ["/Posts/Index"] = [new(Who.Visitor, new { slug })],
            ["/Posts/Post"] = [new(Who.Visitor, new { slug, postId = d.PostId }), new(Who.Fan, new { slug, postId = d.PostId }), new(Who.Manager, new { slug, postId = d.PostId })],
            ["/Posts/Feed"] = [new(Who.Fan)],
            ["/Posts/Manage/Index"] = [new(Who.Manager, new { slug })],
            ["/Posts/Manage/Edit"] = [new(Who.Manager, new { slug }), new(Who.Manager, new { slug, postId = d.PostId })],
        };
    }

    [Fact]
    public async Task Every_page_opened_as_its_user_runs_under_the_policy_without_a_violation_or_console_error()
    {
        var demo = await ArrangeDemoAsync();
        var catalog = Catalog(demo);
        var pages = app.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items
            .OfType<PageActionDescriptor>().Select(p => p.ViewEnginePath).ToHashSet(StringComparer.Ordinal);
        var missing = pages.Except(catalog.Keys).Order().ToList();
        Assert.True(missing.Count == 0,
            $"Pages the CSP walk does not visit: {string.Join(", ", missing)}. Add each to {nameof(ContentSecurityPolicyWalkTests)}.{nameof(Catalog)} " +
            "with the user who opens it and the route values it needs (arrange the data in ArrangeDemoAsync).");
        var gone = catalog.Keys.Except(pages).Order().ToList();
        Assert.True(gone.Count == 0, $"The CSP walk lists pages the app no longer has: {string.Join(", ", gone)}.");

        var links = app.Services.GetRequiredService<LinkGenerator>();
        var users = new Dictionary<Who, AppUser?> { [Who.Visitor] = null, [Who.Fan] = demo.Fan, [Who.Manager] = demo.Manager, [Who.Admin] = demo.Admin };
        var visits = catalog.SelectMany(c => c.Value.Select(v => (Page: c.Key, Visit: v))).GroupBy(x => x.Visit.As);
        var problems = new List<string>();
        var walked = 0;
        foreach (var group in visits.OrderBy(g => g.Key))
        {
            await Browser.RunAsync(app.BaseAddress, async page =>
            {
                var seen = await ListenAsync(page);
                if (users[group.Key] is { } user) await page.SignInAsync(user);
                foreach (var (pagePath, visit) in group)
                {
                    var url = links.GetPathByPage(pagePath, handler: null, values: visit.Values)
                              ?? throw new InvalidOperationException($"No URL for {pagePath} with {visit.Values}: check its route values in the catalog.");
                    seen.Clear();
                    var response = await page.GotoAsync(url);
                    await SettleAsync(page);
                    walked++;
                    var where = $"{pagePath} as {group.Key} ({url}{(visit.Note is null ? "" : ", " + visit.Note)})";
                    if (response?.Status != visit.Status) problems.Add($"{where}: answered {response?.Status}, expected {visit.Status}");
                    problems.AddRange(seen.Select(m => $"{where}: {m}"));
                }
                if (group.Key == Who.Fan) await SwapAndBoostAsync(page, demo, seen, problems);
                if (group.Key == Who.Visitor) await ProveTheListenerHearsAViolationAsync(page, seen);
            }, testName: $"{nameof(ContentSecurityPolicyWalkTests)}-{group.Key}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(catalog.Values.Sum(v => v.Length), walked);
    }

    /// <summary>Collects policy violations (from the page's own event), console errors and uncaught errors.</summary>
    private static async Task<ConcurrentQueue<string>> ListenAsync(IPage page)
    {
        var seen = new ConcurrentQueue<string>();
        // Chromium logs every failed load as "Failed to load resource" without its URL; the response says which.
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) seen.Enqueue("console: " + m.Text); };
        page.Response += (_, r) => { if (r.Status >= 400 && r.Request.ResourceType != "document") seen.Enqueue($"{r.Request.ResourceType} {r.Url} answered {r.Status}"); };
        page.PageError += (_, e) => seen.Enqueue("uncaught: " + e);
        // Runs before any page script (injected by the browser, so the policy does not apply to it).
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              console.error(`securitypolicyviolation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        return seen;
    }

    /// <summary>Waits for the load event and for htmx requests the page starts on load (hx-trigger="load") to finish.</summary>
    private static async Task SettleAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.Load);
        await page.WaitForFunctionAsync("() => !document.querySelector('.htmx-request')", null, new() { Timeout = 15_000 });
    }

    /// <summary>An htmx swap (the follow button) and a boosted navigation run under the policy too.</summary>
    private async Task SwapAndBoostAsync(IPage page, Demo demo, ConcurrentQueue<string> seen, List<string> problems)
    {
        seen.Clear();
        await page.GotoAsync($"/e/{demo.Tickets.Entity.Slug}");
        var follow = page.Locator($"#follow-{demo.Tickets.Entity.Id}").First;
        var name = demo.Tickets.Entity.Name;
        await follow.GetByRole(AriaRole.Button, new() { Name = $"Unfollow {name}", Exact = true }).ClickAsync();
        await Expect(follow.GetByRole(AriaRole.Button, new() { Name = $"Follow {name}", Exact = true })).ToHaveAttributeAsync("aria-pressed", "false");
        await SettleAsync(page);
        await page.Locator(".site-nav").GetByRole(AriaRole.Link, new() { Name = "Home", Exact = true }).ClickAsync();
        // A boosted navigation swaps the body and pushes the URL: there is no load event, and waiting for a navigation
        // event can miss a pushState that lands first, so poll what the page shows and where it says it is.
        await Expect(page.Locator("main h1").First).ToContainTextAsync("Live events, creators", new() { Timeout = 30_000 });
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(app.BaseAddress.ToString().TrimEnd('/')) + "/$"),
            new() { Timeout = 30_000 });
        await SettleAsync(page);
        problems.AddRange(seen.Select(m => "htmx swap and boosted navigation: " + m));
    }

    /// <summary>A walk that cannot hear a violation would pass anything: break the policy once on purpose.</summary>
    private static async Task ProveTheListenerHearsAViolationAsync(IPage page, ConcurrentQueue<string> seen)
    {
        await page.GotoAsync("/");
        seen.Clear();
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.append(s); }");
        await Eventually.TrueAsync(() => Task.FromResult(seen.Any(m => m.Contains("securitypolicyviolation: script-src", StringComparison.Ordinal))),
            "the deliberate inline script to be reported as a violation", TimeSpan.FromSeconds(5));
        Assert.Null(await page.EvaluateAsync<bool?>("() => window.inlineRan"));
        seen.Clear();
    }

    private async Task<Demo> ArrangeDemoAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var manager = await app.UserAsync($"walk-manager-{tag}@example.com", "Walk Manager", handle: $"walk-manager-{tag}");
        var fan = await app.UserAsync($"walk-fan-{tag}@example.com", "Walk Fan", handle: $"walk-fan-{tag}", emailConfirmed: true);
        var admin = await app.UserAsync($"walk-admin-{tag}@example.com", "Walk Admin", admin: true);
        var tickets = await app.EventWithTicketsAsync(manager: manager);
        var entityId = tickets.Entity.Id;
        await Showgeo.Web.Tests.Features.Store.StoreArrange.ProductAsync(app, entityId, slug: WalkProductSlug, variants: [("S", 5), ("M", 5)]);
        var tier = await Showgeo.Web.Tests.Features.Memberships.MembershipArrange.TierAsync(app, entityId);
        await Showgeo.Web.Tests.Features.Memberships.MembershipArrange.MemberAsync(app, tier, fan.Id);
        var post = await Showgeo.Web.Tests.Features.Posts.PostsArrange.PostAsync(app, entityId,
            body: "# Walk news\n\nA **post** with [a link](https://example.com) and a list:\n\n- one\n- two");
        var top = await Showgeo.Web.Tests.Features.Posts.PostsArrange.CommentAsync(app, post, fan.Id, "First comment");
        var reply = await Showgeo.Web.Tests.Features.Posts.PostsArrange.CommentAsync(app, post, manager.Id, "A reply", top);
        await Showgeo.Web.Tests.Features.Posts.PostsArrange.CommentAsync(app, post, fan.Id, "A reply to the reply", reply);
        var tour = await app.TourAsync(entityId);
        var byPhase = new Dictionary<EventPhase, Event> { [EventPhase.Pre] = tickets.Event };
        foreach (var phase in Enum.GetValues<EventPhase>().Where(p => p != EventPhase.Pre))
            byPhase[phase] = await app.EventAsync(entityId, phase: phase, city: "London", venue: "Walk Hall", tourId: tour.Id,
                startsAt: phase is EventPhase.Live ? DateTimeOffset.UtcNow.AddHours(-1) : phase is EventPhase.Post ? DaysFromNow(-3) : null);
        await app.FollowAsync(fan.Id, entityId);
        var paid = await app.PaidOrderAsync(tickets, 2, fan);
        var pending = await app.PendingOrderAsync(tickets, 1, fan);

        using var client = await app.SignedInAsync(manager);
        foreach (var (form, upload) in new[]
                 {
                     ("#upload-avatar", new Upload(Samples.Png, "avatar.png", "image/png")),
                     ("#upload-banner", new Upload(Samples.Png, "banner.png", "image/png")),
                     ("#upload-file", new Upload(Samples.Mp3, "single.mp3", "audio/mpeg")),
                     ("#upload-file", new Upload(Samples.Png, "photo.png", "image/png")),
                 })
        {
            var media = await client.GetAsync($"/manage/{tickets.Entity.Slug}/media");
            var result = await client.FollowAsync(await client.SubmitFileAsync(media.Document, form, "file", upload));
            Assert.Equal(System.Net.HttpStatusCode.OK, result.Status);
        }
        return new Demo(fan, manager, admin, tickets, tour.Slug, paid.Order.Id, pending.Order.Id, byPhase, tier.Id, post.Id);
    }
}
