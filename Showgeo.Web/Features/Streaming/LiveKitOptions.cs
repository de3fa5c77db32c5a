using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Streaming;

/// <summary>
/// Where LiveKit runs and how this app talks to it (section <c>LiveKit</c>). With <see cref="Url"/>, <see cref="ApiKey"/>
/// and <see cref="ApiSecret"/> unset, streaming is "not configured": every streaming service says so and nothing else
/// changes.
/// </summary>
public sealed class LiveKitOptions
{
    public const string Section = "LiveKit";

    /// <summary>The ws(s):// URL browsers connect to, e.g. <c>wss://showgeo.livekit.cloud</c>.</summary>
    public string? Url { get; set; }
    /// <summary>The http(s) base for server calls (Twirp); defaults to <see cref="Url"/> with ws→http, wss→https.</summary>
    public string? ApiUrl { get; set; }
    public string? ApiKey { get; set; }
    public string? ApiSecret { get; set; }
    /// <summary>The LiveKit project has the Ingress service (OBS over RTMP or WHIP).</summary>
    public bool IngressEnabled { get; set; }
    /// <summary>Where recordings go; recording is offered only when <see cref="LiveKitEgressOptions.IsConfigured"/>.</summary>
    public LiveKitEgressOptions Egress { get; } = new();
    /// <summary>Bounds each server call to LiveKit.</summary>
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>Viewer tokens are short-lived: the page asks for a new one when it reconnects.</summary>
    public int ViewerTokenMinutes { get; set; } = 10;
    /// <summary>Hosts and guests on stage keep a session for a whole show.</summary>
    public int PublisherTokenMinutes { get; set; } = 60;
    /// <summary>How long LiveKit keeps an empty room before closing it.</summary>
    public int EmptyTimeoutSeconds { get; set; } = 600;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret);
    public bool CanIngest => IsConfigured && IngressEnabled;
    public bool CanRecord => IsConfigured && Egress.IsConfigured;

    /// <summary>The base URI for Twirp calls; only meaningful when <see cref="IsConfigured"/>.</summary>
    public Uri ApiBase
    {
        get
        {
            var raw = string.IsNullOrWhiteSpace(ApiUrl) ? Url! : ApiUrl;
            var uri = new Uri(raw.TrimEnd('/') + "/");
            if (uri.Scheme is "ws" or "wss")
                uri = new UriBuilder(uri) { Scheme = uri.Scheme == "wss" ? "https" : "http", Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
            return uri;
        }
    }

    /// <summary>Stops startup on a half-made configuration (a URL without a key, a bad URL), naming the setting.</summary>
    public void Validate()
    {
        var any = !string.IsNullOrWhiteSpace(Url) || !string.IsNullOrWhiteSpace(ApiKey) || !string.IsNullOrWhiteSpace(ApiSecret);
        if (!any) return;
        if (string.IsNullOrWhiteSpace(Url)) throw new RequiredSettingException("LiveKit:Url", "is required when LiveKit:ApiKey or LiveKit:ApiSecret is set.");
        if (string.IsNullOrWhiteSpace(ApiKey)) throw new RequiredSettingException("LiveKit:ApiKey", "is required when LiveKit:Url is set.");
        if (string.IsNullOrWhiteSpace(ApiSecret)) throw new RequiredSettingException("LiveKit:ApiSecret", "is required when LiveKit:Url is set.");
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss" or "http" or "https"))
            throw new RequiredSettingException("LiveKit:Url", "must be an absolute ws://, wss://, http:// or https:// URL.");
        if (!string.IsNullOrWhiteSpace(ApiUrl) && (!Uri.TryCreate(ApiUrl, UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https")))
            throw new RequiredSettingException("LiveKit:ApiUrl", "must be an absolute http:// or https:// URL.");
        if (TimeoutSeconds < 1) throw new RequiredSettingException("LiveKit:TimeoutSeconds", "must be at least 1.");
        if (ViewerTokenMinutes < 1) throw new RequiredSettingException("LiveKit:ViewerTokenMinutes", "must be at least 1.");
        if (PublisherTokenMinutes < 1) throw new RequiredSettingException("LiveKit:PublisherTokenMinutes", "must be at least 1.");
        if (Egress.Enabled && string.IsNullOrWhiteSpace(Egress.FilepathTemplate))
            throw new RequiredSettingException("LiveKit:Egress:FilepathTemplate", "is required when LiveKit:Egress:Enabled is true.");
    }
}

/// <summary>
/// Recording storage (section <c>LiveKit:Egress</c>): a room composite MP4 written by LiveKit Egress to S3 when
/// <see cref="S3Bucket"/> is set, otherwise to <see cref="FilepathTemplate"/> on the egress machine. The replay link is
/// the file's location when LiveKit reports an http(s) one, otherwise <see cref="PublicBaseUrl"/> + the file name.
/// </summary>
public sealed class LiveKitEgressOptions
{
    public const string Section = "LiveKit:Egress";

    public bool Enabled { get; set; }
    /// <summary>LiveKit's template; <c>{room_name}</c>, <c>{room_id}</c>, <c>{time}</c> and <c>{utc}</c> are filled in by Egress.</summary>
    public string FilepathTemplate { get; set; } = "recordings/{room_name}-{time}.mp4";
    /// <summary>Where finished files can be fetched by browsers, e.g. <c>https://cdn.example.com/</c>.</summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary><c>grid</c>, <c>speaker</c>, <c>single-speaker</c>…</summary>
    public string Layout { get; set; } = "speaker";
    public string? S3Bucket { get; set; }
    public string? S3Region { get; set; }
    public string? S3Endpoint { get; set; }
    public string? S3AccessKey { get; set; }
    public string? S3Secret { get; set; }
    public bool S3ForcePathStyle { get; set; }

    public bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(FilepathTemplate);
}

/// <summary>The sentences streaming pages show as they are.</summary>
public static class StreamingMessages
{
    public const string NotConfigured = "Live streaming is not configured on this server.";
    public const string IngressNotConfigured = "Streaming from OBS is not available: LiveKit Ingress is not configured on this server.";
    public const string EgressNotConfigured = "Recording is not available: LiveKit Egress storage is not configured on this server.";
    public const string NotStreamingPhase = "This stream is not open: the event is not upcoming or live.";
    public const string Banned = "You are banned from this organiser's events.";
    public const string SignInToWatch = "Sign in to watch this stream.";
    public const string TicketRequired = "A valid ticket is needed to watch this stream.";
    public const string RsvpRequired = "RSVP \"going\" to watch this stream.";
}
