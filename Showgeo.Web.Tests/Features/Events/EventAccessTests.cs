using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using static Showgeo.Web.Tests.Infrastructure.Arrange;

namespace Showgeo.Web.Tests.Features.Events;

public enum AccessViewer { Anonymous, Stranger, Follower, Team }

public enum AccessCase { Public, Unlisted, FollowersOnly, Draft, Cancelled, SuspendedEntity, GeoAllowed, GeoRefused }

/// <summary>
/// The event access rule over HTTP: every kind of viewer against every kind of event, for the event page (with its
/// ticket section), the RSVP POST, the checkout page and a direct checkout POST. A refused POST writes nothing.
/// </summary>
public sealed class EventAccessTests(CdnCountryApp app) : IClassFixture<CdnCountryApp>
{
    private const string Ok = "ok", SignIn = "sign-in", NotFound = "404", Forbidden = "403", Full = "full", Hint = "hint";
    private const string FollowersOnly = "This event is for followers only.";
    private const string RsvpClosed = "RSVPs are closed for this event.";
    private const string NotOnSale = "Tickets for this event are not on sale.";
    private const string Suspended = "This event is unavailable while its organiser is suspended.";
    private const string Region = "This event is not available in your region.";

    // Columns: anonymous, signed-in non-follower, follower, team member. An action's cell is ok, sign-in, 404, 403 or
    // the refusal message that comes back (status 200, the form with the message).
    private static readonly Dictionary<AccessCase, (string[] Page, string[] Rsvp, string[] Buy)> Expected = new()
    {
        [AccessCase.Public] = ([Full, Full, Full, Full], [SignIn, Ok, Ok, Ok], [SignIn, Ok, Ok, Ok]),
        [AccessCase.Unlisted] = ([Full, Full, Full, Full], [SignIn, Ok, Ok, Ok], [SignIn, Ok, Ok, Ok]),
        [AccessCase.FollowersOnly] = ([Hint, Hint, Full, Full], [SignIn, FollowersOnly, Ok, Ok], [SignIn, Forbidden, Ok, Ok]),
        [AccessCase.Draft] = ([NotFound, NotFound, NotFound, Full], [NotFound, NotFound, NotFound, RsvpClosed], [SignIn, NotFound, NotFound, NotOnSale]),
        [AccessCase.Cancelled] = ([Full, Full, Full, Full], [SignIn, RsvpClosed, RsvpClosed, RsvpClosed], [SignIn, NotOnSale, NotOnSale, NotOnSale]),
        [AccessCase.SuspendedEntity] = ([NotFound, NotFound, NotFound, Full], [NotFound, NotFound, NotFound, Suspended], [SignIn, NotFound, NotFound, Suspended]),
        [AccessCase.GeoAllowed] = ([Full, Full, Full, Full], [SignIn, Ok, Ok, Ok], [SignIn, Ok, Ok, Ok]),
        [AccessCase.GeoRefused] = ([Full, Full, Full, Full], [SignIn, Region, Region, Region], [SignIn, Region, Region, Region]),
    };

    public static TheoryData<AccessCase, AccessViewer> Cells()
    {
        var data = new TheoryData<AccessCase, AccessViewer>();
        foreach (var c in Enum.GetValues<AccessCase>())
            foreach (var v in Enum.GetValues<AccessViewer>())
                data.Add(c, v);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_viewer_sees_rsvps_and_buys_exactly_as_the_event_allows(AccessCase eventCase, AccessViewer viewer)
    {
        var (page, rsvp, buy) = Expected[eventCase];
        var (free, ticketed, type, client, userId) = await ArrangeAsync(eventCase, viewer);
        using var _ = client;
        var col = (int)viewer;
        // Anonymous viewers get public pages from the page cache without a token; the sign-in form always has one.
        var token = (await client.GetAsync(userId is null ? "/account/login" : "/")).Document;

        // The event page, and the ticket section on it.
        var freePage = await client.GetAsync($"/events/{free.Slug}");
        var ticketedPage = await client.GetAsync($"/events/{ticketed.Slug}");
        AssertPage(page[col], freePage);
        AssertPage(page[col], ticketedPage);
        // A visitor is asked to sign in only where a signed-in fan could buy; otherwise they read why nobody can.
        if (page[col] == Full)
            AssertTicketSection(viewer == AccessViewer.Anonymous ? (buy[1] == Ok ? SignIn : buy[1]) : buy[col], ticketedPage);

        // RSVP, straight to the handler.
        using (var post = await client.PostAsync($"/events/{free.Slug}?handler=Rsvp", token, new Dictionary<string, string> { ["status"] = "Going" }))
            await AssertActionAsync(rsvp[col], post, success: r => r.IsRedirect() && r.Headers.Location!.OriginalString.EndsWith($"/events/{free.Slug}"));
        await using (var db = app.CreateDb())
            Assert.Equal(rsvp[col] == Ok ? 1 : 0, await db.Set<Rsvp>().CountAsync(r => r.EventId == free.Id));

        // The checkout page, then a direct checkout POST whatever the page offered.
        var checkout = await client.GetAsync($"/checkout/{ticketed.Id}");
        AssertCheckoutPage(buy[col], checkout);
        using (var post = await client.PostAsync($"/checkout/{ticketed.Id}", token, Qty(type.Id, 2)))
            await AssertActionAsync(buy[col], post, success: r => r.IsRedirect() && r.Headers.Location!.OriginalString.Contains("/pay/test/"));
        await using (var db = app.CreateDb())
        {
            var orders = await db.Set<Order>().AsNoTracking().Where(o => o.ReferenceId == ticketed.Id).ToListAsync();
            var held = (await db.Set<TicketType>().AsNoTracking().SingleAsync(t => t.Id == type.Id)).Held;
            if (buy[col] == Ok)
            {
                Assert.Equal(userId, Assert.Single(orders).UserId);
                Assert.Equal(2, held);
            }
            else
            {
                Assert.Empty(orders);
                Assert.Equal(0, held);
            }
        }
    }

    [Fact]
    public async Task A_direct_checkout_post_by_a_non_follower_for_a_followers_only_event_is_refused_with_no_order()
    {
        var (client, _) = await app.SignedInUserAsync();
        using var _c = client;
        var entity = await app.EntityAsync();
        var ev = await app.EventAsync(entity.Id, visibility: EventVisibility.Followers);
        var type = await app.TicketTypeAsync(ev.Id, capacity: 10);

        using var post = await client.PostAsync($"/checkout/{ev.Id}", (await client.GetAsync("/")).Document, Qty(type.Id, 1));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        var html = await post.Content.ReadAsStringAsync();
        Assert.Contains(FollowersOnly, html);
        Assert.DoesNotContain(type.Name, html);
        await AssertNoOrderAsync(ev.Id, type.Id);
    }

    [Fact]
    public async Task A_direct_checkout_post_for_a_suspended_entitys_event_is_refused_with_no_order()
    {
        var (client, fan) = await app.SignedInUserAsync();
        using var _c = client;
        var entity = await app.EntityAsync(suspended: true);
        await app.FollowAsync(fan.Id, entity.Id);
        var ev = await app.EventAsync(entity.Id);
        var type = await app.TicketTypeAsync(ev.Id, capacity: 10);

        using var post = await client.PostAsync($"/checkout/{ev.Id}", (await client.GetAsync("/")).Document, Qty(type.Id, 1));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        using var htmx = await client.PostAsync($"/checkout/{ev.Id}", (await client.GetAsync("/")).Document, Qty(type.Id, 1), htmx: true);
        Assert.Equal(HttpStatusCode.NotFound, htmx.StatusCode);
        await AssertNoOrderAsync(ev.Id, type.Id);
    }

    [Fact]
    public async Task A_platform_admin_sees_a_suspended_entitys_event_but_cannot_rsvp_or_buy()
    {
        var (admin, _) = await app.SignedInUserAsync(admin: true);
        using var _c = admin;
        var entity = await app.EntityAsync(name: "Paused Band", suspended: true);
        var free = await app.EventAsync(entity.Id, isFree: true, description: "Visible to moderators");
        var ticketed = await app.EventAsync(entity.Id);
        var type = await app.TicketTypeAsync(ticketed.Id, capacity: 10);

        var page = await admin.GetAsync($"/events/{free.Slug}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Visible to moderators", page.Text);
        Assert.Contains(Suspended, page.Document.QuerySelector("#suspended-notice")?.TextContent);
        Assert.Null(page.Document.QuerySelector("#rsvp form"));

        using (var post = await admin.PostAsync($"/events/{free.Slug}?handler=Rsvp", page.Document, new Dictionary<string, string> { ["status"] = "Going" }, htmx: true))
            Assert.Contains(Suspended, await post.Content.ReadAsStringAsync());
        using (var post = await admin.PostAsync($"/checkout/{ticketed.Id}", page.Document, Qty(type.Id, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Contains(Suspended, await post.Content.ReadAsStringAsync());
        }
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Rsvp>().CountAsync(r => r.EventId == free.Id));
        await AssertNoOrderAsync(ticketed.Id, type.Id);
    }

    [Fact]
    public async Task Withdrawing_an_rsvp_still_works_after_the_event_is_cancelled_but_not_for_a_non_follower()
    {
        var (fan, fanUser) = await app.SignedInUserAsync();
        using var _f = fan;
        var entity = await app.EntityAsync();
        var ev = await app.EventAsync(entity.Id, isFree: true, visibility: EventVisibility.Followers);
        await app.FollowAsync(fanUser.Id, entity.Id);
        var page = await fan.GetAsync($"/events/{ev.Slug}");
        await fan.SubmitAsync(page.Document, "#rsvp form.rsvp-going");
        await using (var db = app.CreateDb())
        {
            Assert.Equal(1, await db.Set<Rsvp>().CountAsync(r => r.EventId == ev.Id));
            await db.Set<Showgeo.Web.Features.Follow.Follow>().Where(f => f.UserId == fanUser.Id).ExecuteDeleteAsync();
        }

        // No longer a follower: the event's details, and with them the RSVP, are out of reach.
        using (var post = await fan.PostAsync($"/events/{ev.Slug}?handler=Unrsvp", page.Document, htmx: true))
            Assert.Contains(FollowersOnly, await post.Content.ReadAsStringAsync());
        await using (var db = app.CreateDb())
        {
            Assert.Equal(1, await db.Set<Rsvp>().CountAsync(r => r.EventId == ev.Id));
            await app.FollowAsync(fanUser.Id, entity.Id);
            await db.Set<Event>().Where(e => e.Id == ev.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Phase, EventPhase.Cancelled));
        }

        using (var post = await fan.PostAsync($"/events/{ev.Slug}?handler=Unrsvp", page.Document))
            Assert.True(post.IsRedirect());
        await using (var db = app.CreateDb())
            Assert.Equal(0, await db.Set<Rsvp>().CountAsync(r => r.EventId == ev.Id));
    }

    private async Task<(Event Free, Event Ticketed, TicketType Type, WebClient Client, Guid? UserId)> ArrangeAsync(AccessCase eventCase, AccessViewer viewer)
    {
        AppUser? user = viewer == AccessViewer.Anonymous ? null : await app.UserAsync(displayName: viewer.ToString());
        var members = viewer == AccessViewer.Team ? new[] { (user!.Id, EntityRole.Coordinator) } : [];
        var entity = await app.EntityAsync(members: members, suspended: eventCase == AccessCase.SuspendedEntity);
        if (viewer == AccessViewer.Follower) await app.FollowAsync(user!.Id, entity.Id);

        var visibility = eventCase switch
        {
            AccessCase.Unlisted => EventVisibility.Unlisted,
            AccessCase.FollowersOnly => EventVisibility.Followers,
            _ => EventVisibility.Public,
        };
        var phase = eventCase switch
        {
            AccessCase.Draft => EventPhase.Draft,
            AccessCase.Cancelled => EventPhase.Cancelled,
            _ => EventPhase.Pre,
        };
        string[]? countries = eventCase is AccessCase.GeoAllowed or AccessCase.GeoRefused ? ["GB", "IE"] : null;
        var free = await app.EventAsync(entity.Id, isFree: true, visibility: visibility, phase: phase, allowedCountries: countries,
            description: "Full details here");
        var ticketed = await app.EventAsync(entity.Id, visibility: visibility, phase: phase, allowedCountries: countries,
            description: "Full details here");
        var type = await app.TicketTypeAsync(ticketed.Id, capacity: 10);

        var client = user is null ? app.CreateClient() : await app.SignedInAsync(user);
        if (eventCase == AccessCase.GeoAllowed) client.Http.DefaultRequestHeaders.Add("CF-IPCountry", "GB");
        if (eventCase == AccessCase.GeoRefused) client.Http.DefaultRequestHeaders.Add("CF-IPCountry", "FR");
        return (free, ticketed, type, client, user?.Id);
    }

    private static void AssertPage(string expected, Page page)
    {
        if (expected == NotFound)
        {
            Assert.Equal(HttpStatusCode.NotFound, page.Status);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(expected == Full, page.Text.Contains("Full details here"));
        Assert.Equal(expected == Hint, page.Document.QuerySelector("#followers-only") is not null);
    }

    private static void AssertTicketSection(string buy, Page page)
    {
        var section = page.Document.QuerySelector("#event-tickets");
        Assert.NotNull(section);
        Assert.Equal(buy == Ok, section.QuerySelector("#ticket-form") is not null);
        if (buy == SignIn) Assert.Contains("Sign in to buy tickets", section.TextContent);
        else if (buy != Ok) Assert.Contains(buy, section.QuerySelector("[data-testid=ticket-refusal]")?.TextContent);
    }

    private static void AssertCheckoutPage(string buy, Page page)
    {
        switch (buy)
        {
            case SignIn:
                Assert.Equal("/account/login", page.Path);
                break;
            case NotFound:
                Assert.Equal(HttpStatusCode.NotFound, page.Status);
                break;
            case Forbidden:
                Assert.Equal(HttpStatusCode.Forbidden, page.Status);
                Assert.Contains(FollowersOnly, page.Document.QuerySelector("[data-testid=checkout-refusal]")?.TextContent);
                Assert.Null(page.Document.QuerySelector("#event-tickets"));
                break;
            case Ok:
                Assert.NotNull(page.Document.QuerySelector("#ticket-form"));
                break;
            default:
                Assert.Equal(HttpStatusCode.OK, page.Status);
                Assert.Null(page.Document.QuerySelector("#ticket-form"));
                Assert.Contains(buy, page.Document.QuerySelector("[data-testid=ticket-refusal]")?.TextContent);
                break;
        }
    }

    private static async Task AssertActionAsync(string expected, HttpResponseMessage response, Func<HttpResponseMessage, bool> success)
    {
        var body = await response.Content.ReadAsStringAsync();
        switch (expected)
        {
            case Ok:
                Assert.True(success(response), $"Expected success, got {(int)response.StatusCode}: {body}");
                break;
            case SignIn:
                Assert.True(response.IsRedirect());
                Assert.Equal("/account/login", response.Headers.Location?.AbsolutePath);
                break;
            case NotFound:
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                break;
            case Forbidden:
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains(FollowersOnly, body);
                break;
            default:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains(expected, body);
                break;
        }
    }

    private async Task AssertNoOrderAsync(Guid eventId, Guid typeId)
    {
        await using var db = app.CreateDb();
        Assert.Equal(0, await db.Set<Order>().CountAsync(o => o.ReferenceId == eventId));
        var t = await db.Set<TicketType>().AsNoTracking().SingleAsync(x => x.Id == typeId);
        Assert.Equal((0, 0), (t.Held, t.Sold));
    }
}
