using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Admin;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Admin;

/// <summary>The app with a clock for the security-stamp check that a test can move on, so "a minute later" takes no minute.</summary>
public sealed class UserModerationApp : ShowgeoApp
{
    public ShiftedClock StampClock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(s => s.PostConfigure<SecurityStampValidatorOptions>(o => o.TimeProvider = StampClock));

    public sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }
}

public sealed class UserModerationTests(UserModerationApp app) : IClassFixture<UserModerationApp>
{
    private async Task<AppUser?> UserAsync(Guid id)
    {
        await using var db = app.CreateDb();
        return await db.Set<AppUser>().AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
    }

    private async Task<List<AdminAction>> ActionsOnAsync(Guid targetId)
    {
        await using var db = app.CreateDb();
        return await db.Set<AdminAction>().AsNoTracking().Where(a => a.TargetId == targetId).OrderBy(a => a.At).ToListAsync();
    }

    private static bool SignedIn(Page page) => page.Document.QuerySelector("[data-testid=user-name]") is not null;

    [Fact]
    public async Task Suspending_signs_the_user_out_everywhere_blocks_sign_in_hides_the_profile_and_is_recorded()
    {
        var adminUser = await app.UserAsync("admin-susp@example.com", "Admin Susp", admin: true);
        var (fanClient, fan) = await app.SignedInUserAsync("fan-susp@example.com", "Fan Susp", handle: "fansusp");
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/u/fansusp")).Status);
        Assert.True(SignedIn(await fanClient.GetAsync("/")));

        using var admin = await app.SignedInAsync(adminUser);
        var list = await admin.GetAsync("/admin/users?q=@FANSUSP");
        var row = $"#admin-user-{fan.Id}";
        Assert.NotNull(list.Document.QuerySelector(row));
        var fragment = await admin.SubmitAsync(list.Document, $"{row} form.suspend",
            new Dictionary<string, string> { ["Reason"] = "Reselling stolen tickets" }, htmx: true);
        Assert.DoesNotContain("<html", fragment.Html);
        Assert.Contains("Reselling stolen tickets", fragment.Document.QuerySelector($"{row} .suspension-reason")?.TextContent);

        // The fan's existing cookie fails its next stamp check, due at most a minute after it was issued.
        app.StampClock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(SignedIn(await fanClient.GetAsync("/")));
        Assert.True(SignedIn(await admin.GetAsync("/")), "The admin's own session must survive.");

        using var again = app.CreateClient();
        var refused = await again.SignInAsync(fan.Email!, Arrange.Password);
        Assert.Contains("suspended by Showgeo's moderators", refused.Document.QuerySelector(".errors")?.TextContent ?? refused.Text);
        Assert.False(SignedIn(await again.GetAsync("/")));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/u/fansusp")).Status);

        var action = Assert.Single(await ActionsOnAsync(fan.Id));
        Assert.Equal(("suspended", AdminActions.User, adminUser.Id, "admin-susp@example.com", "Reselling stolen tickets"),
            (action.Action, action.TargetKind, action.ActorUserId, action.ActorName, action.Reason));
        var recent = (await admin.GetAsync("/admin/users")).Document.QuerySelector("#admin-recent-actions")?.TextContent ?? "";
        Assert.Contains("admin-susp@example.com suspended fan-susp@example.com", System.Text.RegularExpressions.Regex.Replace(recent, @"\s+", " "));
    }

    [Fact]
    public async Task A_wrong_password_for_a_suspended_account_gets_the_ordinary_answer()
    {
        var fan = await app.UserAsync("fan-guess@example.com", "Fan Guess");
        await using (var db = app.CreateDb())
            await db.Set<AppUser>().Where(u => u.Id == fan.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.SuspendedAt, DateTimeOffset.UtcNow).SetProperty(u => u.SuspensionReason, "Spam"));

        using var client = app.CreateClient();
        var page = await client.SignInAsync(fan.Email!, "not-the-password");
        Assert.Contains("The email or password is not right", page.Text);
        Assert.DoesNotContain("suspended", page.Text);
    }

    [Fact]
    public async Task Reinstating_lets_the_user_sign_in_and_shows_the_profile_again()
    {
        var adminUser = await app.UserAsync("admin-rein@example.com", "Admin Rein", admin: true);
        var fan = await app.UserAsync("fan-rein@example.com", "Fan Rein", handle: "fanrein");
        using var admin = await app.SignedInAsync(adminUser);
        var list = await admin.GetAsync("/admin/users?q=fan-rein@");
        var suspended = await admin.SubmitAsync(list.Document, $"#admin-user-{fan.Id} form.suspend",
            new Dictionary<string, string> { ["Reason"] = "Mistaken report" });
        Assert.NotNull((await UserAsync(fan.Id))!.SuspendedAt);

        var reinstated = await admin.SubmitAsync(suspended.Document, $"#admin-user-{fan.Id} form.reinstate");
        Assert.Contains("fan-rein@example.com is reinstated.", reinstated.Text);
        var user = (await UserAsync(fan.Id))!;
        Assert.Null(user.SuspendedAt);
        Assert.Null(user.SuspensionReason);
        Assert.Equal(["suspended", "reinstated"], (await ActionsOnAsync(fan.Id)).Select(a => a.Action));

        // SignedInAsync signs in through the real form and asserts it worked.
        using var client = await app.SignedInAsync(fan);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/u/fanrein")).Status);
    }

    [Fact]
    public async Task A_suspension_needs_a_reason_and_an_admin_cannot_suspend_themselves()
    {
        var adminUser = await app.UserAsync("admin-self@example.com", "Admin Self", admin: true);
        var fan = await app.UserAsync("fan-noreason@example.com", "Fan No Reason");
        using var admin = await app.SignedInAsync(adminUser);

        var list = await admin.GetAsync("/admin/users?q=fan-noreason");
        var noReason = await admin.SubmitAsync(list.Document, $"#admin-user-{fan.Id} form.suspend",
            new Dictionary<string, string> { ["Reason"] = "  " }, htmx: true);
        Assert.Contains("Give a reason", noReason.Text);
        Assert.Null((await UserAsync(fan.Id))!.SuspendedAt);

        var own = await admin.GetAsync("/admin/users?q=admin-self");
        Assert.NotNull(own.Document.QuerySelector($"#admin-user-{adminUser.Id}"));
        Assert.Null(own.Document.QuerySelector($"#admin-user-{adminUser.Id} form.suspend"));
        var self = await admin.PostAsync($"/admin/users?handler=Suspend&id={adminUser.Id}", own.Document,
            new Dictionary<string, string> { ["Reason"] = "Oops" }, htmx: true);
        Assert.Contains("You cannot suspend your own account", await self.Content.ReadAsStringAsync());
        Assert.Null((await UserAsync(adminUser.Id))!.SuspendedAt);
        Assert.Empty(await ActionsOnAsync(adminUser.Id));
        Assert.Empty(await ActionsOnAsync(fan.Id));
        Assert.True(SignedIn(await admin.GetAsync("/")));
    }

    [Fact]
    public async Task The_user_list_is_paged_and_searches_by_email_and_handle()
    {
        var adminUser = await app.UserAsync("admin-page@example.com", "Admin Page", admin: true);
        for (var i = 0; i < UsersModel.PageSize + 2; i++)
            await app.UserAsync($"pager-{i:D2}@example.com", $"Pager {i}", handle: $"pgr{i:D2}");
        using var admin = await app.SignedInAsync(adminUser);

        var first = await admin.GetAsync("/admin/users?q=pager-");
        Assert.Equal(UsersModel.PageSize, first.Document.QuerySelectorAll(".admin-user").Length);
        Assert.Null(first.Document.QuerySelector("a[rel=prev]"));
        var next = first.Document.QuerySelector("a[rel=next]")?.GetAttribute("href");
        Assert.NotNull(next);
        var second = await admin.GetAsync(next);
        Assert.Equal(["pager-25@example.com", "pager-26@example.com"],
            second.Document.QuerySelectorAll(".admin-user").Select(e => e.GetAttribute("data-user-email")));
        Assert.Null(second.Document.QuerySelector("a[rel=next]"));

        var byHandle = await admin.GetAsync("/admin/users?q=@PGR07");
        Assert.Equal(["pager-07@example.com"], byHandle.Document.QuerySelectorAll(".admin-user").Select(e => e.GetAttribute("data-user-email")));
    }

    [Fact]
    public async Task Entity_moderation_is_recorded_and_listed_with_who_and_why()
    {
        var adminUser = await app.UserAsync("admin-ent@example.com", "Admin Ent", admin: true);
        var entity = await app.EntityAsync("recorded-band", name: "Recorded Band");
        using var admin = await app.SignedInAsync(adminUser);

        var list = await admin.GetAsync("/admin/entities?q=recorded-band");
        var verified = await admin.SubmitAsync(list.Document, $"#admin-entity-{entity.Id} form.verify");
        await admin.SubmitAsync(verified.Document, $"#admin-entity-{entity.Id} form.suspend",
            new Dictionary<string, string> { ["Reason"] = "Fake lineup" });

        var actions = await ActionsOnAsync(entity.Id);
        Assert.Equal([("verified", (string?)null), ("suspended", "Fake lineup")], actions.Select(a => (a.Action, a.Reason)));
        Assert.All(actions, a => Assert.Equal((AdminActions.Entity, adminUser.Id), (a.TargetKind, a.ActorUserId)));
        var recent = (await admin.GetAsync("/admin/entities")).Document.QuerySelectorAll("#admin-recent-actions .admin-action")
            .Select(li => System.Text.RegularExpressions.Regex.Replace(li.TextContent, @"\s+", " ")).ToList();
        Assert.Contains(recent, r => r.Contains("admin-ent@example.com suspended Recorded Band (/e/recorded-band) · reason: Fake lineup"));
    }
}
