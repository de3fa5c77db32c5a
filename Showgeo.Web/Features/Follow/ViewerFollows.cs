using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Follow;

/// <summary>
/// Which of the entities on the current page the signed-in viewer follows. A list page calls <see cref="LoadAsync"/>
/// once with every entity it shows (one query); the follow buttons then read from memory. Scoped per request.
/// </summary>
public sealed class ViewerFollows(ShowgeoDb db, IHttpContextAccessor http)
{
    private readonly HashSet<Guid> _loaded = [];
    private readonly HashSet<Guid> _followed = [];

    public Guid? ViewerId => http.HttpContext is { } ctx ? EntityAccess.UserId(ctx.User) : null;

    public async Task LoadAsync(IEnumerable<Guid> entityIds, CancellationToken ct = default)
    {
        var wanted = entityIds.Where(id => !_loaded.Contains(id)).Distinct().ToList();
        if (wanted.Count == 0) return;
        _loaded.UnionWith(wanted);
        if (ViewerId is not { } viewer) return;
        var followed = await db.Set<Follow>().AsNoTracking()
            .Where(f => f.UserId == viewer && wanted.Contains(f.EntityId))
            .Select(f => f.EntityId)
            .ToListAsync(ct);
        _followed.UnionWith(followed);
    }

    /// <summary>The follow button for one entity as this viewer sees it; answers from memory after <see cref="LoadAsync"/>.</summary>
    public async Task<FollowButton> ButtonAsync(Guid entityId, string entityName, int followerCount, string returnUrl, CancellationToken ct = default) =>
        new(entityId, entityName, followerCount, await IsFollowingAsync(entityId, ct), ViewerId is not null, returnUrl);

    /// <summary>
    /// Answers from what <see cref="LoadAsync"/> fetched. A page that forgot to preload still shows the right state,
    /// at the price of one query per entity.
    /// </summary>
    public async Task<bool> IsFollowingAsync(Guid entityId, CancellationToken ct = default)
    {
        if (!_loaded.Contains(entityId)) await LoadAsync([entityId], ct);
        return _followed.Contains(entityId);
    }
}
