using System.Net.Mime;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Assets;

/// <summary>Wires the Assets feature: options, the store (local disk or S3), the upload service and <c>GET /assets/{id}</c>.</summary>
public static class AssetsSetup
{
    /// <summary>Pages that take uploads, and the kinds each accepts; only these get a raised request-body limit.</summary>
    private static readonly (string Page, AssetKind[] Kinds)[] UploadPages =
    [
        ("/Assets/EntityMedia", AssetService.AnyKind),
        ("/Users/EditProfile", AssetService.ImagesOnly),
        ("/Events/Manage/Art", AssetService.ImagesOnly),
        ("/Store/Manage/ProductEdit", AssetService.AnyKind),
    ];

    public static WebApplicationBuilder AddShowgeoAssets(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AssetOptions.Section).Get<AssetOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(Options.Create(options));
        if (options.UsesS3)
        {
            var s3 = builder.Configuration.GetSection(S3AssetStoreOptions.Section).Get<S3AssetStoreOptions>() ?? new();
            s3.Validate();
            // Created by the container so that it disposes the SDK client with the app.
            builder.Services.AddSingleton<IAssetStore>(_ => S3AssetStore.Create(s3));
        }
        else
        {
            builder.Services.AddSingleton<IAssetStore>(DiskStore(options, builder.Environment.ContentRootPath));
        }
        builder.Services.AddScoped<AssetService>();

        builder.Services.Configure<RazorPagesOptions>(o =>
        {
            foreach (var (page, kinds) in UploadPages)
            {
                var limit = options.RequestLimit(kinds);
                var largest = AssetService.Size(kinds.Max(options.MaxBytes));
                o.Conventions.AddPageApplicationModelConvention(page, m =>
                {
                    m.Filters.Add(new UploadTooLargeFilter(limit, largest));
                    m.Filters.Add(new RequestSizeLimitAttribute(limit));
                    m.Filters.Add(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = limit });
                });
            }
        });
        return builder;
    }

    private static LocalFileAssetStore DiskStore(AssetOptions options, string contentRoot)
    {
        var root = options.ResolveRoot(contentRoot);
        try
        {
            return new LocalFileAssetStore(root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RequiredSettingException("Assets:Root", $"points at '{root}', which cannot be created: {ex.Message}");
        }
    }

    public static WebApplication MapShowgeoAssets(this WebApplication app)
    {
        app.MapGet("/assets/{id:guid}", ServeAsync).WithName("Asset");
        return app;
    }

    private static async Task<IResult> ServeAsync(Guid id, HttpContext http, ShowgeoDb db, AssetService assets,
        ILoggerFactory logs, CancellationToken ct)
    {
        var found = await db.Set<Asset>().AsNoTracking().Where(a => a.Id == id)
            // An avatar is uploaded by its user, so the owner's row (joined by primary key) says whether it is one.
            .Select(a => new { Asset = a, IsAvatar = a.Owner!.AvatarAssetId == a.Id })
            .FirstOrDefaultAsync(ct);
        var asset = found?.Asset;
        // A private asset the viewer may not see answers exactly like a missing one.
        if (asset is null || !await assets.CanReadAsync(asset, http.User, ct)) return Results.NotFound();
        var content = await assets.OpenAsync(asset, ct);
        if (content is null) return Results.NotFound();

        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // A user's avatar turns private with the profile, so shared caches must ask again each time (the ETag keeps
        // that a cheap 304) and get the 404 once it has. Other public assets never change privacy.
        headers.CacheControl = asset.IsPrivate ? "private, no-store"
            : found!.IsAvatar ? "public, no-cache"
            : "public, max-age=31536000, immutable";
        var disposition = new ContentDispositionHeaderValue(
            asset.Kind == AssetKind.Document ? DispositionTypeNames.Attachment : DispositionTypeNames.Inline);
        disposition.SetHttpFileName(asset.FileName);
        headers.ContentDisposition = disposition.ToString();
        // The bytes behind an id never change, so the id is a strong validator.
        var etag = asset.IsPrivate ? null : new EntityTagHeaderValue($"\"{asset.Id:N}\"");
        var file = Results.File(content, asset.ContentType, lastModified: asset.CreatedAt, entityTag: etag,
            enableRangeProcessing: asset.Kind is AssetKind.Audio or AssetKind.Video);
        return new NotFoundWhenBytesAreMissing(file, asset.Id, logs.CreateLogger(typeof(AssetsSetup)));
    }

    /// <summary>
    /// A store that fetches on first read (S3) learns only then that the bytes are gone; before anything is sent that
    /// still answers 404, as the disk store does, rather than an error page.
    /// </summary>
    private sealed class NotFoundWhenBytesAreMissing(IResult file, Guid assetId, ILogger log) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            try
            {
                await file.ExecuteAsync(http);
            }
            catch (FileNotFoundException ex) when (!http.Response.HasStarted)
            {
                log.LogWarning(ex, "Asset {AssetId} has a row but its bytes are missing from the store", assetId);
                http.Response.Clear();
                await Results.NotFound().ExecuteAsync(http);
            }
        }
    }
}

/// <summary>
/// Refuses an upload whose declared length is over the page's limit before anything reads the body, with a 413 that
/// says why (otherwise the form read fails inside antiforgery and the user sees a bare 400).
/// </summary>
internal sealed class UploadTooLargeFilter(long limit, string largest) : IAuthorizationFilter, IOrderedFilter
{
    // Before antiforgery (an authorization filter too), which would read the body.
    public int Order => int.MinValue;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        if (context.HttpContext.Request.ContentLength > limit)
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status413PayloadTooLarge,
                ContentType = "text/plain; charset=utf-8",
                Content = $"The upload is too large. Files sent here may be at most {largest}; nothing was saved.",
            };
    }
}
