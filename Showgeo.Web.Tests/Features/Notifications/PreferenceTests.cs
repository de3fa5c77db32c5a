using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Notifications;

/// <summary>Muted kinds and per-entity levels hide notices and keep them out of the count; reach counts only who hears.</summary>
public sealed class PreferenceTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Settings_saved_on_the_page_mute_kinds_and_entities_and_reach_counts_only_who_hears()
    {
        var t = await app.EventWithTicketsAsync();
        var other = await app.EventAsync(t.Entity.Id);
        var (client, liveOnly) = await app.SignedInUserAsync(displayName: "Live only");
        var everything = await app.UserAsync(displayName: "Everything");
        var silent = await app.UserAsync(displayName: "Silent");
        var mutedLive = await app.UserAsync(displayName: "No live");
        foreach (var u in new[] { liveOnly, everything, silent, mutedLive }) await app.FollowAsync(u.Id, t.Entity.Id);
        await using (var db = app.CreateDb())
        {
            db.AddRange(
                new EntityNotificationSettings { UserId = silent.Id, EntityId = t.Entity.Id, Level = EntityNotificationLevel.None },
                new NotificationSettings { UserId = mutedLive.Id, MutedKinds = [NotificationKind.LiveNow], UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // The fan sets "only when live" on the settings page, like a browser without JavaScript.
        var page = await client.GetAsync("/me/notifications/settings");
        var select = page.Document.QuerySelector($"select[name='Form.Entities[{t.Entity.Id}]']");
        Assert.NotNull(select);
        var saved = await client.SubmitAsync(page.Document, "#notification-settings",
            new Dictionary<string, string> { [$"Form.Entities[{t.Entity.Id}]"] = nameof(EntityNotificationLevel.LiveOnly) });
        Assert.True(saved.Text.Contains("Notification settings saved."), saved.Status + saved.Html[..Math.Min(3000, saved.Html.Length)]);
        Assert.Equal(nameof(EntityNotificationLevel.LiveOnly),
            saved.Document.QuerySelector($"select[name='Form.Entities[{t.Entity.Id}]'] option[selected]")?.GetAttribute("value"));

        await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Live, t.Manager);
        await app.MoveAsync(other, EventPhase.Pre, EventPhase.Cancelled, t.Manager);
        var live = await app.StoredAsync($"phase:{t.Event.Id}:Live");
        var cancelled = await app.StoredAsync($"phase:{other.Id}:Cancelled");

        // Reach is what the followers' settings let through when it went out.
        Assert.Equal(2, live.Reach);       // everything + live only
        Assert.Equal(2, cancelled.Reach);  // everything + no-live
        Assert.Equal([NotificationKind.LiveNow], (await app.InboxAsync(liveOnly.Id)).Items.Select(n => n.Kind));
        Assert.Equal(1, await app.UnreadAsync(liveOnly.Id));
        Assert.Equal(2, await app.UnreadAsync(everything.Id));
        Assert.Empty((await app.InboxAsync(silent.Id)).Items);
        Assert.Equal(0, await app.UnreadAsync(silent.Id));
        Assert.Equal([NotificationKind.PhaseUpdate], (await app.InboxAsync(mutedLive.Id)).Items.Select(n => n.Kind));
        Assert.Equal(1, await app.UnreadAsync(mutedLive.Id));

        // Muting a kind on the page hides it from the inbox and the count.
        page = await client.GetAsync("/me/notifications/settings");
        var form = page.Document.QuerySelector("#notification-settings")!;
        var kinds = form.QuerySelectorAll("input[name='Form.Kinds']").Select(i => i.GetAttribute("value")!).Where(k => k != NotificationKind.LiveNow).ToList();
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            [$"Form.Entities[{t.Entity.Id}]"] = nameof(EntityNotificationLevel.LiveOnly),
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, "/me/notifications/settings")
        {
            Content = new FormUrlEncodedContent(fields.Concat(kinds.Select(k => new KeyValuePair<string, string>("Form.Kinds", k)))),
        };
        using var response = await client.Http.SendAsync(post);
        Assert.True(response.IsRedirect());
        Assert.Empty((await app.InboxAsync(liveOnly.Id)).Items);
        Assert.Equal(0, await app.UnreadAsync(liveOnly.Id));
        var header = await client.GetAsync("/");
        Assert.Equal("0", header.Document.QuerySelector("#unread-badge")?.GetAttribute("data-count"));
    }

    [Fact]
    public async Task Opted_in_followers_get_an_email_for_going_live_and_others_do_not()
    {
        var t = await app.EventWithTicketsAsync();
        var optedIn = await app.UserAsync(displayName: "Mail me", emailConfirmed: true);
        var notOpted = await app.UserAsync(displayName: "No mail", emailConfirmed: true);
        await app.FollowAsync(optedIn.Id, t.Entity.Id);
        await app.FollowAsync(notOpted.Id, t.Entity.Id);
        await using (var db = app.CreateDb())
        {
            db.Add(new NotificationSettings { UserId = optedIn.Id, MutedKinds = [], EmailLiveNow = true, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await app.MoveAsync(t.Event, EventPhase.Pre, EventPhase.Live, t.Manager);

        var mailbox = app.Services.GetRequiredService<InMemoryEmailSender>();
        var mail = await Eventually.ValueAsync(() => Task.FromResult(mailbox.Sent.Where(m => m.To == optedIn.Email).ToList()), m => m.Count > 0, "the live email");
        Assert.Contains("is live now", Assert.Single(mail).Subject);
        Assert.DoesNotContain(mailbox.Sent, m => m.To == notOpted.Email);
        await using var check = app.CreateDb();
        Assert.Equal(1, await check.Set<NotificationEmail>().CountAsync(e => e.UserId == optedIn.Id));
    }
}
