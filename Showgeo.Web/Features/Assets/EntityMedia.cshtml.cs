using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Assets;

/// <summary>An entity's pictures and files: avatar, banner, and audio/video/documents, public or private.</summary>
[Authorize]
[EnableRateLimiting(RateLimits.Upload)]
public sealed class EntityMediaModel(ShowgeoDb db, ManagedEntityGate gate, AssetService assets) : PageModel
{
    public sealed record Item(Guid Id, AssetKind Kind, string FileName, string ContentType, long SizeBytes, bool IsPrivate, DateTimeOffset CreatedAt);

    public Guid EntityId { get; private set; }
    public string Slug { get; private set; } = "";
    public string EntityName { get; private set; } = "";
    public Guid? AvatarAssetId { get; private set; }
    public Guid? BannerAssetId { get; private set; }
    public IReadOnlyList<Item> Items { get; private set; } = [];
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug)
    {
        if (await AuthorizeAsync(slug) is { } denied) return denied;
        await LoadAsync();
        return Page();
    }

    /// <summary><paramref name="slot"/> is "avatar" or "banner"; the image replaces (and deletes) the previous one.</summary>
    public async Task<IActionResult> OnPostImageAsync(string slug, string? slot, IFormFile? file)
    {
        if (await AuthorizeAsync(slug) is { } denied) return denied;
        if (slot is not ("avatar" or "banner")) return BadRequest();
        if (file is null) return await FailAsync("Choose an image to upload.");

        var entity = await db.Set<Entity>().FirstAsync(e => e.Id == EntityId);
        var previous = slot == "avatar" ? entity.AvatarAssetId : entity.BannerAssetId;
        var result = await assets.UploadAsync(AssetUpload.From(file, CurrentUserId, EntityId), AssetService.ImagesOnly,
            beforeCommit: asset =>
            {
                if (slot == "avatar") entity.AvatarAssetId = asset.Id; else entity.BannerAssetId = asset.Id;
                return Task.CompletedTask;
            }, HttpContext.RequestAborted);
        if (!result.Succeeded) return await FailAsync(result.Error!);
        if (previous is { } old) await assets.DeleteAsync(old);
        return await DoneAsync(slot == "avatar" ? "The avatar was updated." : "The banner was updated.");
    }

    public async Task<IActionResult> OnPostUploadAsync(string slug, IFormFile? file, bool isPrivate)
    {
        if (await AuthorizeAsync(slug) is { } denied) return denied;
        if (file is null) return await FailAsync("Choose a file to upload.");
        var result = await assets.UploadAsync(AssetUpload.From(file, CurrentUserId, EntityId, isPrivate), AssetService.AnyKind,
            ct: HttpContext.RequestAborted);
        if (!result.Succeeded) return await FailAsync(result.Error!);
        return await DoneAsync($"\"{result.Asset!.FileName}\" was uploaded.");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string slug, Guid id)
    {
        if (await AuthorizeAsync(slug) is { } denied) return denied;
        // Only this entity's assets: an id from elsewhere is treated as missing.
        var name = await db.Set<Asset>().Where(a => a.Id == id && a.EntityId == EntityId).Select(a => a.FileName).FirstOrDefaultAsync();
        if (name is null) return await FailAsync("That file no longer exists.");
        await assets.DeleteAsync(id);
        return await DoneAsync($"\"{name}\" was deleted.");
    }

    private Guid CurrentUserId => EntityAccess.UserId(User)!.Value;

    private async Task<IActionResult?> AuthorizeAsync(string slug)
    {
        var (entity, denied) = await gate.CheckAsync(slug, User, EntityPermission.ManageProfile, HttpContext.RequestAborted);
        if (denied is not null) return denied;
        (EntityId, Slug, EntityName) = (entity!.Id, entity.Slug, entity.Name);
        return null;
    }

    private async Task LoadAsync()
    {
        var refs = await db.Set<Entity>().AsNoTracking().Where(e => e.Id == EntityId)
            .Select(e => new { e.AvatarAssetId, e.BannerAssetId }).FirstAsync();
        (AvatarAssetId, BannerAssetId) = (refs.AvatarAssetId, refs.BannerAssetId);
        Items = await db.Set<Asset>().AsNoTracking().Where(a => a.EntityId == EntityId)
            .OrderByDescending(a => a.CreatedAt)
            .Select(a => new Item(a.Id, a.Kind, a.FileName, a.ContentType, a.SizeBytes, a.IsPrivate, a.CreatedAt))
            .Take(200)
            .ToListAsync();
    }

    private async Task<IActionResult> FailAsync(string error)
    {
        ModelState.AddModelError("file", error);
        await LoadAsync();
        return this.PageOrPartial("_MediaPanel");
    }

    private async Task<IActionResult> DoneAsync(string message)
    {
        Message = message;
        if (Request.WantsFragment()) await LoadAsync();
        return this.FragmentOrRedirect("_MediaPanel", Url.Page("/Assets/EntityMedia", new { slug = Slug })!, message);
    }
}
