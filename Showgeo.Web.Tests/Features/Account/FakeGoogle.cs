using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Showgeo.Web.Tests.Features.Account;

/// <summary>
/// Google's OAuth endpoints on loopback, strict where Google is strict: the registered client, PKCE S256,
/// single-use codes bound to their redirect_uri, and a bearer token for userinfo. The app's real handler talks to it.
/// </summary>
public sealed class FakeGoogle : IAsyncDisposable
{
    public const string ClientId = "showgeo-test.apps.googleusercontent.com";
    public const string ClientSecret = "fake-google-secret";

    public sealed record User(string Sub, string Name, string Email, bool EmailVerified);
    public sealed record Authorization(string ClientId, string RedirectUri, string State, string CodeChallenge, string CodeChallengeMethod, string Scope, string Prompt);
    private sealed record Grant(string RedirectUri, string CodeChallenge, User User);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, User> _tokens = new();

    /// <summary>Who signs in at the next /authorize.</summary>
    public User? NextUser { get; set; }
    /// <summary>The next /authorize answers error=access_denied, as when the user presses Cancel.</summary>
    public bool RefuseNext { get; set; }
    public ConcurrentQueue<Authorization> Authorizations { get; } = new();
    public ConcurrentQueue<string> Rejections { get; } = new();
    public int TokensIssued => _tokens.Count;
    public Uri BaseAddress { get; private set; } = null!;

    private FakeGoogle(WebApplication app) => _app = app;

    public static async Task<FakeGoogle> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeGoogle(builder.Build());
        fake._app.MapGet("/authorize", fake.Authorize);
        fake._app.MapPost("/token", fake.TokenAsync);
        fake._app.MapGet("/userinfo", fake.UserInfo);
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Urls.First());
        return fake;
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        var auth = new Authorization(q["client_id"].ToString(), q["redirect_uri"].ToString(), q["state"].ToString(),
            q["code_challenge"].ToString(), q["code_challenge_method"].ToString(), q["scope"].ToString(), q["prompt"].ToString());
        Authorizations.Enqueue(auth);
        if (auth.ClientId != ClientId) return Reject("unknown client_id");
        if (q["response_type"] != "code") return Reject("response_type must be code");
        if (auth.CodeChallengeMethod != "S256" || auth.CodeChallenge.Length < 43) return Reject("PKCE S256 required");
        if (auth.State.Length == 0) return Reject("state missing");
        if (!Uri.TryCreate(auth.RedirectUri, UriKind.Absolute, out _)) return Reject("redirect_uri must be absolute");

        if (RefuseNext)
        {
            RefuseNext = false;
            return Results.Redirect(QueryHelpers.AddQueryString(auth.RedirectUri,
                new Dictionary<string, string?> { ["error"] = "access_denied", ["state"] = auth.State }));
        }
        var user = NextUser ?? throw new InvalidOperationException("Set FakeGoogle.NextUser before signing in.");
        var code = "code-" + Guid.NewGuid().ToString("N");
        _codes[code] = new Grant(auth.RedirectUri, auth.CodeChallenge, user);
        return Results.Redirect(QueryHelpers.AddQueryString(auth.RedirectUri,
            new Dictionary<string, string?> { ["code"] = code, ["state"] = auth.State }));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return Reject("form body required", json: true);
        var f = await request.ReadFormAsync();
        if (f["grant_type"] != "authorization_code") return Reject("grant_type", json: true);
        if (f["client_id"] != ClientId || f["client_secret"] != ClientSecret) return Reject("client authentication", json: true);
        if (!_codes.TryRemove(f["code"].ToString(), out var grant)) return Reject("unknown or reused code", json: true);
        if (f["redirect_uri"] != grant.RedirectUri) return Reject("redirect_uri differs from /authorize", json: true);
        var verifier = f["code_verifier"].ToString();
        var expected = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (verifier.Length < 43 || expected != grant.CodeChallenge) return Reject("code_verifier does not match code_challenge", json: true);

        var token = "ya29." + Guid.NewGuid().ToString("N");
        _tokens[token] = grant.User;
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 3599, scope = "openid email profile" });
    }

    private IResult UserInfo(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(auth["Bearer ".Length..], out var user))
            return Reject("bearer token", status: StatusCodes.Status401Unauthorized);
        return Results.Json(new
        {
            sub = user.Sub,
            name = user.Name,
            given_name = user.Name.Split(' ')[0],
            email = user.Email,
            email_verified = user.EmailVerified,
            picture = "https://lh3.example/photo.jpg",
        });
    }

    private IResult Reject(string why, bool json = false, int status = StatusCodes.Status400BadRequest)
    {
        Rejections.Enqueue(why);
        return json ? Results.Json(new { error = "invalid_grant", error_description = why }, statusCode: status) : Results.Text(why, statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
