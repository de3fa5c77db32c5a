using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Data;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Admin;

/// <summary>Domain events that could not be delivered after every retry, with the errors, and a way to send them again.</summary>
public sealed class OutboxModel(ShowgeoDb db, OutboxDispatcher dispatcher) : PageModel
{
    public const int PageSize = 100;

    public sealed record DeadRow(Guid Id, string Type, DateTimeOffset OccurredAt, int Attempts, string? LastError, string Payload, bool Requeued = false);

    public IReadOnlyList<DeadRow> Dead { get; private set; } = [];
    public int DeadCount { get; private set; }
    public int PendingCount { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var dead = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Status == OutboxStatus.Dead);
        DeadCount = await dead.CountAsync(ct);
        PendingCount = await db.Set<OutboxMessage>().CountAsync(m => m.Status == OutboxStatus.Pending, ct);
        Dead = await dead.OrderByDescending(m => m.OccurredAt).Take(PageSize)
            .Select(m => new DeadRow(m.Id, m.Type, m.OccurredAt, m.Attempts, m.LastError, m.Payload)).ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct)
    {
        var requeued = await dispatcher.RetryAsync(id, ct);
        var row = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Id == id)
            .Select(m => new DeadRow(m.Id, m.Type, m.OccurredAt, m.Attempts, m.LastError, m.Payload, true)).SingleOrDefaultAsync(ct);
        if (row is null) return NotFound();
        var flash = requeued ? $"{row.Type} is queued for delivery again." : $"{row.Type} is not dead-lettered any more.";
        return this.FragmentOrRedirect("_OutboxRow", Url.Page("/Admin/Outbox")!, flash, row);
    }
}
