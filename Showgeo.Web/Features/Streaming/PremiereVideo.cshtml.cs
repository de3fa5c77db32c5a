using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// The premiere video of a prerecorded event: one of the entity's uploaded videos, or a new upload. The watch page
/// plays it from the event's scheduled start.
/// </summary>
[Authorize]
[EnableRateLimiting(RateLimits.Upload)]
public sealed class PremiereVideoModel(ManagedEventGate gate, Premieres premieres, AssetService assets) : PageModel
{
    public ManagedEvent Event { get; private set; } = null!;
    public IReadOnlyList<PremiereVideoOption> Videos { get; private set; } = [];
    public Guid? Chosen { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct) =>
        await LoadAsync(slug, eventId, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(string slug, Guid eventId, Guid? assetId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        if (await premieres.ChooseAsync(Event.Id, Event.Entity.Id, assetId, ct) is { } refusal) return Refuse(refusal);
        return this.RedirectAfterPost(Url.Page("/Streaming/PremiereVideo", new { slug, eventId })!,
            assetId is null ? "The premiere video was cleared." : "Premiere video saved.");
    }

    public async Task<IActionResult> OnPostUploadAsync(string slug, Guid eventId, IFormFile? video, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        if (video is null || video.Length == 0) return Refuse("Choose a video file (MP4 or WebM) to upload.");
        string? refusal = null;
        var result = await assets.UploadAsync(AssetUpload.From(video, EntityAccess.UserId(User)!.Value, Event.Entity.Id), [AssetKind.Video],
            async asset => refusal = await premieres.ChooseAsync(Event.Id, Event.Entity.Id, asset.Id, ct), ct);
        if (!result.Succeeded) return Refuse(result.Error ?? "The upload failed.");
        if (refusal is not null)
        {
            await assets.DeleteAsync(result.Asset!.Id, ct);
            return Refuse(refusal);
        }
        return this.RedirectAfterPost(Url.Page("/Streaming/PremiereVideo", new { slug, eventId })!, "Premiere video uploaded and chosen.");
    }

    private IActionResult Refuse(string message)
    {
        Error = message;
        return this.PageOrPartial("_PremiereForm");
    }

    private async Task<IActionResult?> LoadAsync(string slug, Guid eventId, CancellationToken ct)
    {
        var (ev, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        Event = ev!;
        Videos = await premieres.VideosAsync(Event.Entity.Id, ct);
        Chosen = await premieres.ChosenAsync(Event.Id, ct);
        return null;
    }
}
