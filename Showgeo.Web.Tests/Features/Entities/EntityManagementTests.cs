using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Entities;

public sealed class EntityManagementTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Creating_an_entity_makes_the_creator_its_owner_with_a_slug_made_from_the_name()
    {
        var creator = await app.UserAsync("creator@example.com", "Creator");
        using var client = await app.SignedInAsync(creator);
        var manage = await client.GetAsync("/manage");
        Assert.Contains("not part of any", manage.Text);

        var created = await client.SubmitAsync(manage.Document, "#create-entity-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "The Blue Notes",
            ["Input.Kind"] = "Artist",
            ["Input.Genres"] = "jazz, soul, Jazz",
            ["Input.Links"] = "https://bluenotes.example",
            ["Input.Country"] = "gb",
        });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("/manage/the-blue-notes", created.Path);
        Assert.Equal("Owner", created.Document.QuerySelector("#your-role")?.TextContent);
        await using var db = app.CreateDb();
        var entity = await db.Set<Entity>().Include(e => e.Members).SingleAsync(e => e.Slug == "the-blue-notes");
        Assert.Equal(["jazz", "soul"], entity.Genres);
        Assert.Equal("GB", entity.Country);
        var member = Assert.Single(entity.Members);
        Assert.Equal((creator.Id, EntityRole.Owner), (member.UserId, member.Role));

        var list = await client.GetAsync("/manage");
        Assert.Equal("Owner", list.Document.QuerySelector("tr[data-entity-slug=the-blue-notes] .role")?.TextContent);
    }

    [Fact]
    public async Task A_taken_slug_is_refused_with_a_message_and_nothing_is_written()
    {
        var owner = await app.UserAsync("first@example.com", "First");
        await app.EntityAsync("taken-name", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(await app.UserAsync("second@example.com", "Second"));
        var manage = await client.GetAsync("/manage");
        var before = await app.EntitySnapshotAsync();

        var plain = await client.SubmitAsync(manage.Document, "#create-entity-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Someone Else", ["Slug"] = "taken-name",
        });
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Contains("\"taken-name\" is already taken", plain.Text);

        var fragment = await client.SubmitAsync(manage.Document, "#create-entity-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Someone Else", ["Slug"] = "taken-name",
        }, htmx: true);
        Assert.DoesNotContain("<html", fragment.Html);
        Assert.NotNull(fragment.Document.QuerySelector("#create-entity-form"));
        Assert.Contains("already taken", fragment.Text);
        Assert.Equal(before, await app.EntitySnapshotAsync());
    }

    [Fact]
    public async Task A_generated_slug_that_is_taken_gets_a_number()
    {
        var owner = await app.UserAsync("numbered@example.com", "Numbered");
        await app.EntityAsync("the-venue", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        var manage = await client.GetAsync("/manage");
        var created = await client.SubmitAsync(manage.Document, "#create-entity-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "The Venue", ["Input.Kind"] = "Venue",
        });
        Assert.Equal("/manage/the-venue-2", created.Path);
    }

    [Fact]
    public async Task Owner_adds_members_by_email_and_by_handle_and_gets_clear_messages_for_unknown_and_existing_people()
    {
        var owner = await app.UserAsync("own-add@example.com", "Owner A");
        var mia = await app.UserAsync("mia@example.com", "Mia");
        var raj = await app.UserAsync("raj@example.com", "Raj", handle: "raj");
        var entityId = (await app.EntityAsync("add-people", members: [(owner.Id, EntityRole.Owner)])).Id;
        using var client = await app.SignedInAsync(owner);
        var members = await client.GetAsync("/manage/add-people/members");

        var byEmail = await client.SubmitAsync(members.Document, "#add-member-form",
            new Dictionary<string, string> { ["Add.Who"] = "MIA@example.com", ["Add.Role"] = "Manager" });
        Assert.Contains("If \"MIA@example.com\" has a Showgeo account, it was added as a manager.", byEmail.Text);
        Assert.Equal("Manager", byEmail.Document.QuerySelector($"tr[data-user-id='{mia.Id}'] .role")?.TextContent);

        var byHandle = await client.SubmitAsync(byEmail.Document, "#add-member-form",
            new Dictionary<string, string> { ["Add.Who"] = "@Raj", ["Add.Role"] = "Coordinator" }, htmx: true);
        Assert.DoesNotContain("<html", byHandle.Html);
        Assert.NotNull(byHandle.Document.QuerySelector("#members"));
        Assert.Equal("Coordinator", byHandle.Document.QuerySelector($"tr[data-user-id='{raj.Id}'] .role")?.TextContent);

        var before = await app.EntitySnapshotAsync();
        var unknown = await client.SubmitAsync(byEmail.Document, "#add-member-form",
            new Dictionary<string, string> { ["Add.Who"] = "nobody@example.com", ["Add.Role"] = "Manager" });
        Assert.Contains("If \"nobody@example.com\" has a Showgeo account, it was added as a manager.", unknown.Text);
        var unknownHandle = await client.SubmitAsync(byEmail.Document, "#add-member-form",
            new Dictionary<string, string> { ["Add.Who"] = "@nobody-here", ["Add.Role"] = "Manager" });
        Assert.Contains("No Showgeo account has the handle \"@nobody-here\"", unknownHandle.Text);
        var again = await client.SubmitAsync(byEmail.Document, "#add-member-form",
            new Dictionary<string, string> { ["Add.Who"] = "raj", ["Add.Role"] = "Manager" });
        Assert.Contains("Raj is already a member (Coordinator)", again.Text);
        var asOwner = await client.PostAsync("/manage/add-people/members?handler=Add", byEmail.Document,
            new Dictionary<string, string> { ["Add.Who"] = "@nobody-else", ["Add.Role"] = "Owner" });
        Assert.Contains("ownership is handed over by transfer", await asOwner.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.EntitySnapshotAsync());

        await using var db = app.CreateDb();
        var rows = await db.Set<EntityMember>().Where(m => m.EntityId == entityId).ToDictionaryAsync(m => m.UserId, m => m.Role);
        Assert.Equal(new Dictionary<Guid, EntityRole> { [owner.Id] = EntityRole.Owner, [mia.Id] = EntityRole.Manager, [raj.Id] = EntityRole.Coordinator }, rows);
    }

    [Fact]
    public async Task Adding_by_email_replies_the_same_whether_or_not_the_email_has_an_account()
    {
        var owner = await app.UserAsync("own-same@example.com", "Owner S");
        await app.UserAsync("has-account@example.com", "Hidden Name");
        await app.EntityAsync("same-reply", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        var members = await client.GetAsync("/manage/same-reply/members");

        async Task<(HttpStatusCode Status, string? Location, string? Message)> AddAsync(string email, bool htmx)
        {
            using var response = await client.SubmitRawAsync(members.Document, "#add-member-form",
                new Dictionary<string, string> { ["Add.Who"] = email, ["Add.Role"] = "Coordinator" }, htmx);
            var page = htmx ? Showgeo.Web.Tests.Infrastructure.WebClient.Parse(await response.Content.ReadAsStringAsync()) : (await client.FollowAsync(response)).Document;
            var message = page.QuerySelector(htmx ? "#members .flash" : ".flash")?.TextContent.Replace(email, "EMAIL");
            return (response.StatusCode, response.Headers.Location?.OriginalString, message);
        }

        var existing = await AddAsync("has-account@example.com", htmx: false);
        var unknown = await AddAsync("no-account@example.com", htmx: false);
        Assert.Equal(existing, unknown);
        Assert.Equal("If \"EMAIL\" has a Showgeo account, it was added as a coordinator. Otherwise ask them to register, then add them again.", existing.Message);

        await app.UserAsync("has-account-2@example.com", "Hidden Too");
        var existingHtmx = await AddAsync("has-account-2@example.com", htmx: true);
        var unknownHtmx = await AddAsync("no-account-2@example.com", htmx: true);
        Assert.Equal(HttpStatusCode.OK, existingHtmx.Status);
        Assert.Equal(existingHtmx, unknownHtmx);
        Assert.Equal(existing.Message, existingHtmx.Message);
    }

    [Fact]
    public async Task Coordinator_cannot_add_members()
    {
        var owner = await app.UserAsync("own-c@example.com", "Owner C");
        var coordinator = await app.UserAsync("coord@example.com", "Coord");
        await app.UserAsync("friend@example.com", "Friend");
        await app.EntityAsync("coord-ent", members: [(owner.Id, EntityRole.Owner), (coordinator.Id, EntityRole.Coordinator)]);
        using var client = await app.SignedInAsync(coordinator);
        var dashboard = await client.GetAsync("/manage/coord-ent");
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        Assert.Null(dashboard.Document.QuerySelector("a[href='/manage/coord-ent/members']"));
        var before = await app.EntitySnapshotAsync();

        var page = await client.GetAsync("/manage/coord-ent/members");
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        using var post = await client.PostAsync("/manage/coord-ent/members?handler=Add", dashboard.Document,
            new Dictionary<string, string> { ["Add.Who"] = "friend@example.com", ["Add.Role"] = "Manager" });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(before, await app.EntitySnapshotAsync());
    }

    [Fact]
    public async Task Manager_cannot_change_or_remove_the_owner()
    {
        var owner = await app.UserAsync("own-m@example.com", "Owner M");
        var manager = await app.UserAsync("mgr@example.com", "Mgr");
        await app.EntityAsync("mgr-ent", members: [(owner.Id, EntityRole.Owner), (manager.Id, EntityRole.Manager)]);
        using var client = await app.SignedInAsync(manager);
        var members = await client.GetAsync("/manage/mgr-ent/members");
        Assert.Null(members.Document.QuerySelector($"tr[data-user-id='{owner.Id}'] form"));
        Assert.Null(members.Document.QuerySelector("form.transfer"));
        var before = await app.EntitySnapshotAsync();

        using var remove = await client.PostAsync("/manage/mgr-ent/members?handler=Remove", members.Document,
            new Dictionary<string, string> { ["userId"] = owner.Id.ToString() });
        Assert.Contains("The owner cannot be changed or removed", await remove.Content.ReadAsStringAsync());
        using var demote = await client.PostAsync("/manage/mgr-ent/members?handler=ChangeRole", members.Document,
            new Dictionary<string, string> { ["userId"] = owner.Id.ToString(), ["role"] = "Coordinator" });
        Assert.Contains("The owner cannot be changed or removed", await demote.Content.ReadAsStringAsync());
        using var transfer = await client.PostAsync("/manage/mgr-ent/members?handler=Transfer", members.Document,
            new Dictionary<string, string> { ["userId"] = manager.Id.ToString() });
        Assert.Equal(HttpStatusCode.Forbidden, transfer.StatusCode);
        Assert.Equal(before, await app.EntitySnapshotAsync());
    }

    [Fact]
    public async Task Owner_transfers_ownership_and_becomes_a_manager()
    {
        var owner = await app.UserAsync("own-t@example.com", "Owner T");
        var heir = await app.UserAsync("heir@example.com", "Heir");
        var entityId = (await app.EntityAsync("transfer-ent", members: [(owner.Id, EntityRole.Owner), (heir.Id, EntityRole.Coordinator)])).Id;
        using var client = await app.SignedInAsync(owner);
        var members = await client.GetAsync("/manage/transfer-ent/members");

        var done = await client.SubmitAsync(members.Document, $"tr[data-user-id='{heir.Id}'] form.transfer");

        Assert.Contains("Heir now owns", done.Text);
        Assert.Equal("Owner", done.Document.QuerySelector($"tr[data-user-id='{heir.Id}'] .role")?.TextContent);
        Assert.Equal("Manager", done.Document.QuerySelector($"tr[data-user-id='{owner.Id}'] .role")?.TextContent);
        Assert.Null(done.Document.QuerySelector("form.transfer"));
        await using var db = app.CreateDb();
        var roles = await db.Set<EntityMember>().Where(m => m.EntityId == entityId).ToDictionaryAsync(m => m.UserId, m => m.Role);
        Assert.Equal(EntityRole.Owner, roles[heir.Id]);
        Assert.Equal(EntityRole.Manager, roles[owner.Id]);

        // The old owner, now a manager, can no longer hand the entity on.
        using var again = await client.PostAsync("/manage/transfer-ent/members?handler=Transfer", done.Document,
            new Dictionary<string, string> { ["userId"] = owner.Id.ToString() });
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }

    [Fact]
    public async Task Transfer_to_a_non_member_is_refused_and_changes_nothing()
    {
        var owner = await app.UserAsync("own-x@example.com", "Owner X");
        var stranger = await app.UserAsync("stranger@example.com", "Stranger");
        await app.EntityAsync("x-ent", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        var members = await client.GetAsync("/manage/x-ent/members");
        var before = await app.EntitySnapshotAsync();
        using var response = await client.PostAsync("/manage/x-ent/members?handler=Transfer", members.Document,
            new Dictionary<string, string> { ["userId"] = stranger.Id.ToString() });
        Assert.Contains("Ownership can only go to someone who is already a member", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.EntitySnapshotAsync());
    }

    [Fact]
    public async Task Editing_the_profile_rejects_bad_links_and_country_then_saves_good_input()
    {
        var owner = await app.UserAsync("own-e@example.com", "Owner E");
        await app.EntityAsync("edit-ent", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        var edit = await client.GetAsync("/manage/edit-ent/edit");
        var before = await app.EntitySnapshotAsync();

        var bad = await client.SubmitAsync(edit.Document, "#edit-profile-form", new Dictionary<string, string>
        {
            ["Input.Links"] = "javascript:alert(1)", ["Input.Country"] = "Britain",
        });
        Assert.Contains("is not a web address", bad.Text);
        Assert.Contains("'BRITAIN' is not a two-letter ISO country code", bad.Text);
        Assert.Equal(before, await app.EntitySnapshotAsync());

        var good = await client.SubmitAsync(edit.Document, "#edit-profile-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Edited Name", ["Input.City"] = "Leeds", ["Input.Country"] = "gb",
        }, htmx: true);
        Assert.Contains("Profile saved", good.Text);
        await using var db = app.CreateDb();
        var entity = await db.Set<Entity>().SingleAsync(e => e.Slug == "edit-ent");
        Assert.Equal(("Edited Name", "Leeds", "GB"), (entity.Name, entity.City, entity.Country));
    }
}
