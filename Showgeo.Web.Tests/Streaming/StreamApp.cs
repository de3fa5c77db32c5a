using System.Text;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Streaming;

/// <summary>
/// The app with LiveKit pointed at <see cref="FakeLiveKit"/> (ingress on, egress to S3 with a public base URL), and
/// the viewer's country read from <see cref="CountryHeader"/> so geo rules can be tried.
/// </summary>
public class StreamApp : ShowgeoApp
{
    /// <summary>The trusted country header in these tests; send it to try geo rules.</summary>
    public const string CountryHeader = "X-Test-Country";
    public const string ReplayBase = "https://cdn.showgeo.test/replays";
    public FakeLiveKit LiveKit { get; private set; } = null!;
    private static readonly HttpClient Raw = new();

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        LiveKit = await FakeLiveKit.StartAsync();
        LiveKit.Settings(settings);
        settings["LiveKit:IngressEnabled"] = "true";
        settings["LiveKit:Egress:Enabled"] = "true";
        settings["LiveKit:Egress:S3Bucket"] = "showgeo-recordings";
        settings["LiveKit:Egress:PublicBaseUrl"] = ReplayBase;
        settings["Geo:CountryHeader"] = CountryHeader;
    }

    /// <summary>Posts a webhook body with <paramref name="authorization"/> (a correctly signed one unless given; "" for none).</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(string body, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, "/webhooks/livekit"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/webhook+json"),
        };
        authorization ??= FakeLiveKit.Webhook(body);
        if (authorization != "") request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await Raw.SendAsync(request);
    }

    /// <summary>
    /// Asks the token endpoint for <paramref name="slug"/> as <paramref name="client"/>'s user, with the antiforgery
    /// token of the sign-in page (cached anonymous pages carry none; the watch page's own token is tested by the pages).
    /// </summary>
    public static async Task<HttpResponseMessage> TokenAsync(WebClient client, string slug)
    {
        var withToken = await client.GetAsync("/account/login");
        return await client.PostAsync($"/events/{slug}/stream/token", withToken.Document);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await LiveKit.DisposeAsync();
    }
}

/// <summary>Webhook bodies as LiveKit writes them (protojson: lowerCamelCase, int64 as strings).</summary>
public static class LiveKitEvents
{
    public static string Participant(string kind, string room, string identity, string sid, DateTimeOffset at, string metadata = "{\"role\":\"viewer\"}",
        string participantKind = "STANDARD", string? id = null) =>
        $$$"""
        {"event":"{{{kind}}}","id":"{{{id ?? "EV_" + Guid.NewGuid().ToString("N")}}}","createdAt":"{{{at.ToUnixTimeSeconds()}}}",
         "room":{"sid":"RM_1","name":"{{{room}}}"},
         "participant":{"sid":"{{{sid}}}","identity":"{{{identity}}}","name":"N","metadata":{{{System.Text.Json.JsonSerializer.Serialize(metadata)}}},
           "joinedAt":"{{{at.ToUnixTimeSeconds()}}}","kind":"{{{participantKind}}}","state":"ACTIVE","unknownField":1}}
        """;

    public static string Room(string kind, string room, DateTimeOffset at, string? id = null) =>
        $$$"""{"event":"{{{kind}}}","id":"{{{id ?? "EV_" + Guid.NewGuid().ToString("N")}}}","createdAt":"{{{at.ToUnixTimeSeconds()}}}","room":{"sid":"RM_1","name":"{{{room}}}","emptyTimeout":600}}""";

    public static string EgressEnded(string room, string egressId, string filename, long durationSeconds, string? id = null) =>
        $$$"""
        {"event":"egress_ended","id":"{{{id ?? "EV_" + Guid.NewGuid().ToString("N")}}}","createdAt":"{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}",
         "egressInfo":{"egressId":"{{{egressId}}}","roomName":"{{{room}}}","status":"EGRESS_COMPLETE",
           "fileResults":[{"filename":"{{{filename}}}","location":"s3://showgeo-recordings/{{{filename}}}","duration":"{{{durationSeconds * 1_000_000_000}}}","size":"1234"}]}}
        """;
}
