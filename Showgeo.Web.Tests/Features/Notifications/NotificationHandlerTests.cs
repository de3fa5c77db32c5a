using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Notifications;

/// <summary>Each domain event produces the notice people expect, once, for the right audience.</summary>
public sealed class NotificationHandlerTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Going_live_is_one_broadcast_that_followers_see_since_they_followed_and_others_do_not()
    {
        var t = await app.EventWithTicketsAsync();
        var follower = await app.UserAsync(displayName: "Follower");
        var stranger = await app.UserAsync(displayName: "Stranger");
        await app.FollowAsync(follower.Id, t.Entity.Id);

        await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Live, t.Manager);
        var live = await app.StoredAsync($"phase:{t.Event.Id}:Live");

        Assert.Equal(NotificationKind.LiveNow, live.Kind);
        Assert.Equal(t.Entity.Id, live.EntityId);
        Assert.Null(live.UserId);
        Assert.Equal(1, live.Reach);
        Assert.Equal(1, await app.RowsAsync(q => q.Where(n => n.EventId == t.Event.Id)));
        var inbox = await app.InboxAsync(follower.Id);
        var item = Assert.Single(inbox.Items);
        Assert.Contains("is live now", item.Title);
        Assert.True(item.Unread);
        Assert.Equal(1, await app.UnreadAsync(follower.Id));
        Assert.Empty((await app.InboxAsync(stranger.Id)).Items);

        // Someone who follows only afterwards does not get yesterday's news.
        var late = await app.UserAsync(displayName: "Late");
        await app.FollowAsync(late.Id, t.Entity.Id, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Empty((await app.InboxAsync(late.Id)).Items);
    }

    [Fact]
    public async Task A_product_drop_reaches_followers_once_and_a_ticket_holders_drop_reaches_only_that_events_audience()
    {
        var t = await app.EventWithTicketsAsync();
        var follower = await app.UserAsync(displayName: "Drop follower");
        var stranger = await app.UserAsync(displayName: "Drop stranger");
        await app.FollowAsync(follower.Id, t.Entity.Id);
        var context = new DomainEventContext(Guid.NewGuid(), 1, DateTimeOffset.UtcNow);
        ProductDropped Drop(Guid id, ProductVisibility visibility, Guid? holdersEventId) => new(id, t.Entity.Id, t.Entity.Slug, t.Entity.Name,
            "tee", "Tour tee", null, visibility.ToString(), holdersEventId, 2500, "EUR", DateTimeOffset.UtcNow, $"/e/{t.Entity.Slug}/store/tee");

        var open = Guid.NewGuid();
        for (var i = 0; i < 2; i++)
            await app.WithScopeAsync(async sp =>
            {
                await sp.GetRequiredService<NewDropNotice>().HandleAsync(Drop(open, ProductVisibility.Public, null), context, CancellationToken.None);
                return 0;
            });
        var stored = await app.StoredAsync($"drop:{open}");
        Assert.Equal((NotificationKind.NewDrop, (int?)1), (stored.Kind, stored.Reach));
        var item = Assert.Single((await app.InboxAsync(follower.Id)).Items);
        Assert.Contains("dropped Tour tee", item.Title);
        Assert.Empty((await app.InboxAsync(stranger.Id)).Items);

        var holders = Guid.NewGuid();
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<NewDropNotice>().HandleAsync(Drop(holders, ProductVisibility.TicketHolders, t.Event.Id), context, CancellationToken.None);
            return 0;
        });
        var forHolders = await app.StoredAsync($"drop:{holders}");
        Assert.Equal((false, t.Event.Id), (forHolders.ToFollowers, forHolders.EventId));
        Assert.Single((await app.InboxAsync(follower.Id)).Items);
    }

    [Fact]
    public async Task The_same_domain_event_twice_makes_one_notification()
    {
        var t = await app.EventWithTicketsAsync();
        var follower = await app.UserAsync();
        await app.FollowAsync(follower.Id, t.Entity.Id);
        var changed = new EventPhaseChanged(t.Event.Id, t.Entity.Id, EventPhase.Pre, EventPhase.Live, t.Manager.Id, null);
        var context = new DomainEventContext(Guid.NewGuid(), 1, DateTimeOffset.UtcNow);

        for (var i = 0; i < 2; i++)
            await app.WithScopeAsync(async sp =>
            {
                await sp.GetRequiredService<PhaseChangeNotice>().HandleAsync(changed, context with { Attempt = i + 1 }, CancellationToken.None);
                return 0;
            });
        // A second outbox message for the same change (raised twice) is a repeat too.
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PhaseChangeNotice>().HandleAsync(changed, context with { MessageId = Guid.NewGuid() }, CancellationToken.None);
            return 0;
        });

        Assert.Equal(1, await app.RowsAsync(q => q.Where(n => n.EventId == t.Event.Id)));
        Assert.Single((await app.InboxAsync(follower.Id)).Items);
    }

    [Fact]
    public async Task A_cancellation_tells_ticket_holders_who_do_not_follow_what_happens_to_their_money()
    {
        var t = await app.EventWithTicketsAsync();
        var holder = (await app.PaidOrderAsync(t, 1)).Buyer;
        var follower = await app.UserAsync();
        await app.FollowAsync(follower.Id, t.Entity.Id);

        await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Cancelled, t.Manager, "The singer lost her voice.");
        await app.StoredAsync($"phase:{t.Event.Id}:Cancelled");

        foreach (var who in new[] { holder.Id, follower.Id })
        {
            var notice = (await app.InboxAsync(who)).Items.Single(n => n.Kind == NotificationKind.PhaseUpdate);
            Assert.Contains("is cancelled", notice.Title);
            Assert.Contains("money comes back in full", notice.Body);
            Assert.Contains("The singer lost her voice.", notice.Body);
        }
        // The refund itself reaches the holder as a direct notice once the background refund has gone through.
        var refund = await Eventually.ValueAsync(async () => (await app.InboxAsync(holder.Id)).Items.FirstOrDefault(n => n.Kind == NotificationKind.RefundIssued),
            n => n is not null, "the refund notice");
        Assert.Contains("25.00 EUR", refund!.Title);
        Assert.Contains("refunded in full", refund.Body);
        Assert.DoesNotContain((await app.InboxAsync(follower.Id)).Items, n => n.Kind == NotificationKind.RefundIssued);
    }

    [Fact]
    public async Task A_free_event_cancelled_says_there_is_nothing_to_refund_to_its_rsvps()
    {
        var manager = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true, visibility: EventVisibility.Unlisted);
        var fan = await app.UserAsync();
        await using (var db = app.CreateDb())
        {
            db.Add(new Rsvp { EventId = ev.Id, UserId = fan.Id, Status = RsvpStatus.Going, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var follower = await app.UserAsync();
        await app.FollowAsync(follower.Id, entity.Id);

        await app.MoveAsync(ev, EventPhase.Pre, EventPhase.Cancelled, manager);
        var stored = await app.StoredAsync($"phase:{ev.Id}:Cancelled");

        Assert.Contains("nothing to refund", Assert.Single((await app.InboxAsync(fan.Id)).Items).Body);
        // Unlisted: announced to the people holding a place, not to every follower.
        Assert.False(stored.ToFollowers);
        Assert.Empty((await app.InboxAsync(follower.Id)).Items);
    }

    [Fact]
    public async Task Publishing_an_event_announces_it_to_followers()
    {
        var manager = await app.UserAsync();
        var entity = await app.EntityAsync(members: [(manager.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, phase: EventPhase.Draft, title: "Spring Fling");
        var follower = await app.UserAsync();
        await app.FollowAsync(follower.Id, entity.Id);

        await app.MoveAsync(ev, EventPhase.Draft, EventPhase.Pre, manager);
        await app.StoredAsync($"new-event:{ev.Id}");

        var notice = Assert.Single((await app.InboxAsync(follower.Id)).Items);
        Assert.Equal(NotificationKind.NewEvent, notice.Kind);
        Assert.Contains("announced Spring Fling", notice.Title);
        Assert.Equal($"/events/{ev.Slug}", notice.Link);
    }

    [Fact]
    public async Task Buying_tickets_is_a_direct_notice_to_the_buyer_only()
    {
        var t = await app.EventWithTicketsAsync(priceMinor: 1250);
        var paid = await app.PaidOrderAsync(t, 2);
        await app.StoredAsync($"order-paid:{paid.Order.Id}");

        var notice = Assert.Single((await app.InboxAsync(paid.Buyer.Id)).Items);
        Assert.Equal(NotificationKind.TicketPurchased, notice.Kind);
        Assert.Contains("2 tickets for 25.00 EUR", notice.Body);
        Assert.Equal("/me/tickets", notice.Link);
        Assert.Empty((await app.InboxAsync(t.Manager.Id)).Items);
    }

    [Fact]
    public async Task An_order_of_another_kind_paid_is_not_a_ticket_notice()
    {
        var buyer = await app.UserAsync();
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<TicketPurchaseNotice>().HandleAsync(new OrderPaid(Guid.NewGuid(), "store", buyer.Id, 500, "EUR"),
                new DomainEventContext(Guid.NewGuid(), 1, DateTimeOffset.UtcNow), CancellationToken.None);
            return 0;
        });
        Assert.Empty((await app.InboxAsync(buyer.Id)).Items);
    }

    [Fact]
    public async Task Adding_a_member_tells_them_their_role()
    {
        var (ownerClient, owner) = await app.SignedInUserAsync(displayName: "Owner");
        var entity = await app.EntityAsync(name: "Night Owls", members: [(owner.Id, EntityRole.Owner)]);
        var helper = await app.UserAsync(handle: "helper" + Guid.NewGuid().ToString("N")[..6], displayName: "Helper");

        var members = await ownerClient.GetAsync($"/manage/{entity.Slug}/members");
        var added = await ownerClient.SubmitAsync(members.Document, "#add-member-form", new Dictionary<string, string>
        {
            ["Add.Who"] = "@" + helper.Handle, ["Add.Role"] = nameof(EntityRole.Manager),
        });
        Assert.Contains("was added as a manager", added.Text);

        var notice = await Eventually.ValueAsync(async () => (await app.InboxAsync(helper.Id)).Items.FirstOrDefault(), n => n is not null, "the role notice");
        Assert.Equal(NotificationKind.RoleGranted, notice!.Kind);
        Assert.Equal("You are now a manager of Night Owls", notice.Title);
        Assert.Equal($"/manage/{entity.Slug}", notice.Link);
    }
}
