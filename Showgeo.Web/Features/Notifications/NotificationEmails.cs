using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Notifications;

/// <summary>
/// The opt-in email channel for LIVE_NOW and cancellations, sent here in the background, never in the manager's
/// request. It mails what the broadcast says, to everyone the broadcast reaches who opted in and has a confirmed
/// email. Each (notice, person) is recorded before the send, so a redelivered event mails nobody twice; a send that
/// fails removes its record and the whole handler is retried with the outbox's backoff.
/// </summary>
public sealed class NoticeEmails(ShowgeoDb db, IEmailSender email, TimeProvider clock, ILogger<NoticeEmails> log) : IDomainEventHandler<EventPhaseChanged>
{
    private const int Batch = 500;

    public async Task HandleAsync(EventPhaseChanged changed, DomainEventContext context, CancellationToken ct)
    {
        var (optIn, key) = changed switch
        {
            { From: not EventPhase.Draft, To: EventPhase.Live } => ("email_live_now", $"phase:{changed.EventId}:{EventPhase.Live}"),
            { From: not EventPhase.Draft, To: EventPhase.Cancelled } => ("email_cancellations", $"phase:{changed.EventId}:{EventPhase.Cancelled}"),
            _ => (null, null),
        };
        if (optIn is null) return;
        var notice = await db.Set<Notification>().AsNoTracking().SingleOrDefaultAsync(n => n.SourceKey == key, ct)
            // Written by PhaseChangeNotice for the same event; a retry finds it once that handler has run.
            ?? throw new InvalidOperationException($"The notice {key} is not stored yet.");

        var failed = new List<Guid>();
        while (true)
        {
            var recipients = await RecipientsAsync(notice, optIn, ct);
            if (recipients.Count == 0) break;
            foreach (var r in recipients)
            {
                db.Add(new NotificationEmail { NotificationId = notice.Id, UserId = r.Id, SentAt = clock.GetUtcNow() });
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                try
                {
                    await email.SendAsync(r.Email, notice.Title, Html(notice), ct);
                }
                catch (Exception ex) when (ex is System.Net.Mail.SmtpException or IOException or InvalidOperationException)
                {
                    log.LogWarning(ex, "Could not mail notice {Notice} to {User}", notice.Id, r.Id);
                    // The record stays until this pass ends, so the pass does not pick the person again.
                    failed.Add(r.Id);
                }
            }
            if (recipients.Count < Batch) break;
        }
        if (failed.Count > 0)
        {
            await db.Set<NotificationEmail>().Where(e => e.NotificationId == notice.Id && failed.Contains(e.UserId)).ExecuteDeleteAsync(ct);
            throw new InvalidOperationException($"{failed.Count} notice emails for {key} could not be sent.");
        }
    }

    private sealed record Recipient(Guid Id, string Email);

    private async Task<List<Recipient>> RecipientsAsync(Notification notice, string optIn, CancellationToken ct)
    {
        // The broadcast's own audience (followers allowed by their settings, plus the event's holders), opted in, not yet mailed.
        var followers = notice.ToFollowers ? NotificationAudience.AllowingFollowers : "SELECT NULL::uuid WHERE false";
        var sql = $"""
            SELECT u.id AS "Id", u.email AS "Email" FROM users u
              JOIN notification_settings s ON s.user_id = u.id AND s.{optIn} AND NOT (@kind = ANY (s.muted_kinds))
             WHERE u.email IS NOT NULL AND u.email_confirmed AND u.suspended_at IS NULL
               AND (u.id IN ({followers})
                    OR u.id IN (SELECT t.user_id FROM tickets t WHERE t.event_id = @event UNION SELECT r.user_id FROM rsvps r WHERE r.event_id = @event))
               AND NOT EXISTS (SELECT 1 FROM notification_emails e WHERE e.notification_id = @notice AND e.user_id = u.id)
             ORDER BY u.id
             LIMIT {Batch}
            """;
        return await db.Database.SqlQueryRaw<Recipient>(sql,
            new NpgsqlParameter("entity", notice.EntityId!.Value), new NpgsqlParameter("kind", notice.Kind),
            new NpgsqlParameter("event", notice.EventId!.Value), new NpgsqlParameter("notice", notice.Id)).ToListAsync(ct);
    }

    private static string Html(Notification n)
    {
        var e = HtmlEncoder.Default;
        return $"<p><strong>{e.Encode(n.Title)}</strong></p><p>{e.Encode(n.Body)}</p>"
            + "<p>You get this email because you asked for it in your Showgeo notification settings.</p>";
    }
}
