using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Showgeo.Web.Data;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// The manager's view of one event's stream: who is in the room (with Remove), recording start/stop, the replay, and
/// viewer analytics with a server-rendered chart. Every form is a plain POST; nothing here needs JavaScript.
/// </summary>
public sealed class ManageStreamModel(ShowgeoDb db, ManagedEventGate gate, IOptions<LiveKitOptions> options, StreamParticipants participants,
    StreamRecordings recordings, StreamAnalytics analytics, ILogger<ManageStreamModel> log) : PageModel
{
    public ManagedEvent Event { get; private set; } = null!;
    public ManagedEntity Entity => Event.Entity;
    public string Slug { get; private set; } = "";
    public EventPhase Phase { get; private set; }
    public string TimeZone { get; private set; } = "UTC";
    public bool Configured => options.Value.IsConfigured;
    public string? RecordingUnavailable => recordings.Unavailable;
    public DateTimeOffset? RecordingSince { get; private set; }
    public StreamReplay? Replay { get; private set; }
    public IReadOnlyList<LiveKitParticipant> Participants { get; private set; } = [];
    /// <summary>Why the participant list could not be fetched (LiveKit down, slow), shown in its place.</summary>
    public string? ParticipantsError { get; private set; }
    public StreamViewerChart Chart { get; private set; } = null!;

    public bool Streaming => Phase is EventPhase.Pre or EventPhase.Live;

    public async Task<IActionResult> OnGetAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        if (Configured && Streaming)
        {
            try { Participants = await participants.ListAsync(eventId, ct); }
            catch (LiveKitException ex)
            {
                log.LogWarning(ex, "Could not list participants of event {EventId}", eventId);
                ParticipantsError = ex.Code == "not_found" ? null : "The participant list is unavailable right now: " + ex.Message;
            }
        }
        RecordingSince = await recordings.RunningSinceAsync(eventId, ct);
        Replay = await db.ReplayFor(eventId, ct);
        Chart = new StreamViewerChart(await analytics.ForEventAsync(eventId, ct), TimeZone);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string slug, Guid eventId, string? identity, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        if (!Configured) return Done(slug, eventId, StreamingMessages.NotConfigured);
        if (string.IsNullOrWhiteSpace(identity) || identity.Length > 200) return Done(slug, eventId, "Choose someone to remove.");
        try
        {
            var removed = await participants.RemoveAsync(eventId, identity, ct);
            return Done(slug, eventId, removed ? "Removed from the stream." : "That person is no longer in the stream.");
        }
        catch (LiveKitException ex)
        {
            return Done(slug, eventId, "Could not remove them: " + ex.Message);
        }
    }

    public async Task<IActionResult> OnPostStartRecordingAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        try
        {
            return Done(slug, eventId, await recordings.StartAsync(eventId, Phase, ct) ?? "Recording started.");
        }
        catch (LiveKitException ex)
        {
            return Done(slug, eventId, "Could not start the recording: " + ex.Message);
        }
    }

    public async Task<IActionResult> OnPostStopRecordingAsync(string slug, Guid eventId, CancellationToken ct)
    {
        if (await LoadAsync(slug, eventId, ct) is { } denied) return denied;
        try
        {
            return Done(slug, eventId, await recordings.StopAsync(eventId, ct) ?? "Recording stopped. The replay appears here once LiveKit has saved the file.");
        }
        catch (LiveKitException ex)
        {
            return Done(slug, eventId, "Could not stop the recording: " + ex.Message);
        }
    }

    private IActionResult Done(string slug, Guid eventId, string message) =>
        this.RedirectAfterPost(Url.Page("/Streaming/ManageStream", new { slug, eventId })!, message);

    private async Task<IActionResult?> LoadAsync(string slug, Guid eventId, CancellationToken ct)
    {
        var (ev, denied) = await gate.CheckAsync(slug, eventId, User, EntityPermission.RunEvents, ct);
        if (denied is not null) return denied;
        Event = ev!;
        var facts = await db.Set<Event>().AsNoTracking().Where(e => e.Id == eventId)
            .Select(e => new { e.Slug, e.Phase, e.TimeZone }).SingleAsync(ct);
        (Slug, Phase, TimeZone) = (facts.Slug, facts.Phase, facts.TimeZone);
        return null;
    }
}
