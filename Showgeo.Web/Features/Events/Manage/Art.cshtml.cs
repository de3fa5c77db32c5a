using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Events.Manage;

/// <summary>Event art: one image per event, uploaded through the assets capability; replacing it deletes the old file.</summary>
[EnableRateLimiting(RateLimits.Upload)]
public sealed class EventArtModel(ShowgeoDb db, ManagedEventGate gate, AssetService assets) : PageModel
{
    public ManagedEvent Event { get; private set; } = null!;
    public ManagedEntity Entity => Event.Entity;
    public Guid EventId => Event.Id;
    public string EventTitle => Event.Title;
    public Guid? ArtAssetId => Event.ArtAssetId;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct) =>
        await LoadAsync(slug, eventId, ct) ?? Page();

    public async Task<IActionResult> OnPostUploadAsync(string slug, Guid eventId, IFormFile? art, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        if (art is null || art.Length == 0)
        {
            Error = "Choose an image to upload.";
            return this.PageOrPartial("_ArtForm");
        }

        var previous = ArtAssetId;
        var result = await assets.UploadAsync(AssetUpload.From(art, EntityAccess.UserId(User)!.Value, Entity.Id), AssetService.ImagesOnly,
            async asset =>
            {
                await db.Set<Event>().Where(e => e.Id == EventId)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.ArtAssetId, asset.Id), ct);
            }, ct);
        if (!result.Succeeded)
        {
            Error = result.Error;
            return this.PageOrPartial("_ArtForm");
        }
        if (previous is { } old) await assets.DeleteAsync(old, ct);
        return this.RedirectAfterPost(Url.Page("/Events/Manage/Art", new { slug, eventId })!, "Event art saved.");
    }

    public async Task<IActionResult> OnPostRemoveAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        if (ArtAssetId is { } id) await assets.DeleteAsync(id, ct);
        return this.RedirectAfterPost(Url.Page("/Events/Manage/Art", new { slug, eventId })!, "Event art removed.");
    }

    private async Task<IActionResult?> LoadAsync(string slug, Guid eventId, CancellationToken ct)
    {
        var (ev, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        Event = ev!;
        return null;
    }
}
