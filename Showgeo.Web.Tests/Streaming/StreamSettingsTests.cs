using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Streaming;

public sealed class StreamSettingsTests(StreamApp app) : IClassFixture<StreamApp>
{
    [Fact]
    public async Task Stream_sign_in_setting_is_saved_from_the_event_form_and_then_anonymous_viewers_are_refused()
    {
        var (manager, user) = await app.SignedInUserAsync();
        var entity = await app.EntityAsync(members: [(user.Id, EntityRole.Owner)]);
        var ev = await app.EventAsync(entity.Id, isFree: true);
        using var anonymous = app.CreateClient();
        Assert.Equal(200, (int)(await StreamApp.TokenAsync(anonymous, ev.Slug)).StatusCode);

        var form = await manager.GetAsync($"/manage/{entity.Slug}/events/{ev.Id}/edit");
        var box = form.Document.QuerySelector("input[name='Input.StreamRequiresSignIn'][type=checkbox]");
        Assert.NotNull(box);
        Assert.False(box!.HasAttribute("checked"));
        await manager.SubmitAsync(form.Document, "#event-form", new Dictionary<string, string> { ["Input.StreamRequiresSignIn"] = "true", ["Input.IsOnline"] = "true" });
        await using var db = app.CreateDb();
        Assert.True(await db.Set<Event>().Where(e => e.Id == ev.Id).Select(e => e.StreamRequiresSignIn).SingleAsync());
        Assert.Equal(401, (int)(await StreamApp.TokenAsync(anonymous, ev.Slug)).StatusCode);
    }

    [Fact]
    public async Task Stream_ingress_is_made_once_kept_and_regenerated_with_a_new_key()
    {
        var entity = await app.EntityAsync();
        var ev = await app.EventAsync(entity.Id, isFree: true);
        var (first, again, fresh) = await app.WithScopeAsync(async sp =>
        {
            var ingress = sp.GetRequiredService<StreamIngress>();
            Assert.True(ingress.Available);
            var a = await ingress.EnsureAsync(ev, "host-1", "Host", ct: default);
            var b = await ingress.EnsureAsync(ev, "host-1", "Host", ct: default);
            var c = await ingress.RegenerateAsync(ev, "host-1", "Host", ct: default);
            return (a, b, c);
        });
        Assert.Equal(first, again);
        Assert.Equal("RTMP", first.Kind);
        Assert.NotEqual(first.StreamKey, fresh.StreamKey);
        var creates = app.LiveKit.CallsTo("CreateIngress").Where(c => c.Body["roomName"]!.ToString() == StreamRooms.RoomName(ev)).ToList();
        Assert.Equal(2, creates.Count);
        Assert.Equal("ingress-host-1", creates[0].Body["participantIdentity"]!.ToString());
        Assert.Single(app.LiveKit.CallsTo("DeleteIngress"));
        var current = await app.WithScopeAsync(sp => sp.GetRequiredService<StreamIngress>().CurrentAsync(ev.Id, default));
        Assert.Equal(fresh, current);
    }
}
