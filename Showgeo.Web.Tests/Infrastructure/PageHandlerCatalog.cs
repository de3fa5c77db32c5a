using Showgeo.Web.Features.Events;
using Showgeo.Web.Tests.Features.Chat;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// One request to one page handler, against the resources of a <see cref="World"/>, and what each actor must get.
/// <see cref="Handler"/> is the page (its path under Features, as Razor Pages names it) and the handler method without
/// "Async": "Events/Manage/Edit:OnPostPhase". A handler may have several cases (<see cref="Variant"/>).
/// </summary>
public sealed record HandlerCase(string Handler, string Method, Func<World, string> Url, Func<Actor, Outcome> Expect)
{
    public string Variant { get; init; } = "";

    /// <summary>The form a POST sends (fields, and files as multipart). Null: an empty form.</summary>
    public Func<World, FormBody>? Form { get; init; }

    /// <summary>For forms that depend on who sends them (their own display name, say). Wins over <see cref="Form"/>.</summary>
    public Func<World, Actor, FormBody>? FormAs { get; init; }

    /// <summary>Intentionally reachable by everyone, signed in or not. Say so here rather than leaving it implied.</summary>
    public bool Public { get; init; }

    /// <summary>An allowed POST must change the database unless this is false (sign-in, sign-out, a search form).</summary>
    public bool Writes { get; init; } = true;

    /// <summary>Signs in or out: runs on a client of its own so the class-wide clients keep their identity.</summary>
    public bool FreshClient { get; init; }

    /// <summary>Arranges what the request needs for this actor (an RSVP to withdraw, a suspension to lift).</summary>
    public Func<MatrixApp, World, Actor, Task>? Prepare { get; init; }

    /// <summary>
    /// The same handler asked about entity B's resource (or another buyer's order) by someone who may use it for A's:
    /// the answer must be <see cref="Probe.Expect"/> and the database must not change.
    /// </summary>
    public Probe? Foreign { get; init; }

    /// <summary>A refused request may still write on purpose (a failed sign-in counts towards lockout): the sweep then checks only for 5xx.</summary>
    public bool RefusalsWrite { get; init; }

    /// <summary>Whether the bad-input sweep sends this case its corpus (GET cases without parameters are skipped anyway).</summary>
    public bool Sweep { get; init; } = true;

    public string Name => Variant.Length == 0 ? Handler : $"{Handler} [{Variant}]";

    public FormBody? FormFor(World world, Actor actor) => FormAs?.Invoke(world, actor) ?? Form?.Invoke(world);
}

/// <summary>A request about another entity's (or another buyer's) resource, made by <see cref="As"/>.</summary>
public sealed record Probe(Actor As, Outcome Expect, Func<World, string> Url, Func<World, FormBody>? Form = null);

/// <summary>
/// Every page handler of Showgeo.Web, each with its expected outcome per actor. The guard
/// (<c>PageHandlerCatalogTests</c>) fails when a page handler has no case here, so a new page is added in three lines:
/// <code>
/// Post("Store/Cart:OnPostAdd", w => $"/store/{w.Slug}/cart?handler=Add", SignedIn,
///     form: w => F(("productId", w.ProductId))),
/// </code>
/// Use the expectation helpers (<see cref="Members"/>, <see cref="SignedIn"/>, <see cref="AdminOnly"/>,
/// <see cref="Buyer"/>, <see cref="Everyone"/>) and <see cref="Public"/> for pages anyone may use. If the page needs a
/// resource the <see cref="World"/> does not have yet, add it there (MatrixApp builds it). Give handlers that act on an
/// id a <see cref="HandlerCase.Foreign"/> probe with entity B's id.
/// </summary>
public static class PageHandlerCatalog
{
    private static readonly Actor[] Team = [Actor.Owner, Actor.Manager, Actor.Coordinator];
    private static readonly Actor[] Managers = [Actor.Owner, Actor.Manager];

    // Expectations are written out per handler rather than derived from EntityAccess, so a change to the rules fails here.

    /// <summary>Entity A's back office: anonymous → sign-in; non-members (fans, and admins, who are not implicitly members) → 404; members without the permission → 403.</summary>
    public static Func<Actor, Outcome> Members(params Actor[] allowed) => actor => actor switch
    {
        Actor.Anonymous => Outcome.SignIn,
        Actor.Fan or Actor.Admin => Outcome.NotFound,
        _ when allowed.Contains(actor) => Outcome.Allowed,
        _ => Outcome.Forbidden,
    };

    /// <summary>Like <see cref="Members"/>, but members without the permission get the form back with a refusal.</summary>
    public static Func<Actor, Outcome> MembersOrRefused(params Actor[] allowed) => actor =>
        Members(allowed)(actor) == Outcome.Forbidden ? Outcome.Refused : Members(allowed)(actor);

    /// <summary>Chat moderation from the event page: anonymous → sign-in; people outside entity A's team get the refusal in the panel.</summary>
    public static Outcome ChatTeam(Actor actor) => actor switch
    {
        Actor.Anonymous => Outcome.SignIn,
        Actor.Fan or Actor.Admin => Outcome.Refused,
        _ => Outcome.Allowed,
    };

    public static Outcome SignedIn(Actor actor) => actor == Actor.Anonymous ? Outcome.SignIn : Outcome.Allowed;

    public static Outcome AdminOnly(Actor actor) => actor switch
    {
        Actor.Anonymous => Outcome.SignIn,
        Actor.Admin => Outcome.Allowed,
        _ => Outcome.Forbidden,
    };

    /// <summary>The fan's own order: everybody else is told it does not exist.</summary>
    public static Outcome Buyer(Actor actor) => actor switch
    {
        Actor.Anonymous => Outcome.SignIn,
        Actor.Fan => Outcome.Allowed,
        _ => Outcome.NotFound,
    };

    public static Func<Actor, Outcome> Everyone(Outcome outcome) => _ => outcome;

    public static FormBody F(params (string Name, object Value)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => Convert.ToString(f.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));

    private static HandlerCase Get(string handler, Func<World, string> url, Func<Actor, Outcome> expect) =>
        new(handler, "GET", url, expect) { Writes = false };

    private static HandlerCase Post(string handler, Func<World, string> url, Func<Actor, Outcome> expect, Func<World, FormBody>? form = null) =>
        new(handler, "POST", url, expect) { Form = form };

    private static string Local(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static readonly IReadOnlyList<HandlerCase> All =
    [
        // Account
        // The page that says "not allowed" answers 403 itself.
        Get("Account/AccessDenied:OnGet", _ => "/account/access-denied", Everyone(Outcome.Forbidden)) with { Public = true },
        Get("Account/ConfirmEmail:OnGet", w => $"/account/confirm-email?userId={w.TargetUserId}&code=bm90LWEtdG9rZW4", Everyone(Outcome.Refused)) with { Public = true },
        Get("Account/DevMail:OnGet", _ => "/dev/mail", Everyone(Outcome.NotFound)) with { Public = true },
        Get("Account/ExternalLogin:OnGet", _ => "/account/externallogin", Everyone(Outcome.SignIn)) with { Public = true },
        Get("Account/ExternalLogin:OnGetCallback", _ => "/account/externallogin?handler=Callback", Everyone(Outcome.Refused)) with { Public = true },
        Post("Account/ExternalLogin:OnPost", _ => "/account/externallogin", Everyone(Outcome.Refused), _ => F(("provider", "Google"))) with { Public = true },
        Get("Account/LinkGoogle:OnGet", _ => "/account/link-google", Everyone(Outcome.SignIn)) with { Public = true },
        Post("Account/LinkGoogle:OnPost", _ => "/account/link-google", Everyone(Outcome.SignIn), _ => F(("Input.Password", Arrange.Password))) with { Public = true },
        Get("Account/Login:OnGet", _ => "/account/login", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Account/Login:OnPost", _ => "/account/login", Everyone(Outcome.Allowed),
            _ => F(("Input.Email", "stranger@matrix.test"), ("Input.Password", Arrange.Password))) with { Public = true, FreshClient = true, Writes = false, RefusalsWrite = true },
        Get("Account/Logout:OnGet", _ => "/account/logout", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Account/Logout:OnPost", _ => "/account/logout", Everyone(Outcome.Allowed)) with { Public = true, FreshClient = true, Writes = false },
        Get("Account/Manage:OnGet", _ => "/account/manage", SignedIn),
        Post("Account/Manage:OnPostChangePassword", _ => "/account/manage?handler=ChangePassword", SignedIn,
            _ => F(("Input.CurrentPassword", Arrange.Password), ("Input.NewPassword", Arrange.Password), ("Input.ConfirmPassword", Arrange.Password))),
        Get("Account/Register:OnGet", _ => "/account/register", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Account/Register:OnPost", _ => "/account/register", Everyone(Outcome.Allowed), _ =>
        {
            var email = $"new-{Guid.NewGuid():N}@matrix.test";
            return F(("Input.DisplayName", "New fan"), ("Input.Email", email), ("Input.Password", Arrange.Password), ("Input.ConfirmPassword", Arrange.Password));
        }) with { Public = true, FreshClient = true },

        // Admin
        Get("Admin/Index:OnGet", _ => "/admin", AdminOnly),
        Get("Admin/Entities:OnGet", _ => "/admin/entities?q=a-", AdminOnly),
        Post("Admin/Entities:OnPostVerify", w => $"/admin/entities?handler=Verify&id={w.EntityId}", AdminOnly),
        Post("Admin/Entities:OnPostUnverify", w => $"/admin/entities?handler=Unverify&id={w.EntityId}", AdminOnly) with
        {
            Prepare = (app, w, _) => app.SetEntityAsync(w.EntityId, verified: true),
        },
        Post("Admin/Entities:OnPostSuspend", w => $"/admin/entities?handler=Suspend&id={w.EntityId}", AdminOnly,
            _ => F(("Reason", "Selling fake tickets"))),
        Post("Admin/Entities:OnPostUnsuspend", w => $"/admin/entities?handler=Unsuspend&id={w.EntityId}", AdminOnly) with
        {
            Prepare = (app, w, _) => app.SetEntityAsync(w.EntityId, suspended: true),
        },
        Get("Admin/Outbox:OnGet", _ => "/admin/outbox", AdminOnly),
        Post("Admin/Outbox:OnPostRetry", w => $"/admin/outbox?handler=Retry&id={w.DeadMessageId}", AdminOnly),
        Get("Admin/Users:OnGet", _ => "/admin/users?q=target", AdminOnly),
        Post("Admin/Users:OnPostSuspend", w => $"/admin/users?handler=Suspend&id={w.TargetUserId}", AdminOnly,
            _ => F(("Reason", "Harassing other fans"))),
        Post("Admin/Users:OnPostReinstate", w => $"/admin/users?handler=Reinstate&id={w.TargetUserId}", AdminOnly) with
        {
            Prepare = (app, w, _) => app.SuspendUserAsync(w.TargetUserId),
        },

        // Assets
        Get("Assets/EntityMedia:OnGet", w => $"/manage/{w.Slug}/media", Members(Managers)),
        Post("Assets/EntityMedia:OnPostImage", w => $"/manage/{w.Slug}/media?handler=Image", Members(Managers),
            _ => new FormBody(new Dictionary<string, string> { ["slot"] = "avatar" }, [FormFile.Image("file")])),
        Post("Assets/EntityMedia:OnPostUpload", w => $"/manage/{w.Slug}/media?handler=Upload", Members(Managers),
            _ => new FormBody(new Dictionary<string, string> { ["isPrivate"] = "true" }, [FormFile.Image("file")])),
        Post("Assets/EntityMedia:OnPostDelete", w => $"/manage/{w.Slug}/media?handler=Delete", Members(Managers),
            w => F(("id", w.AssetId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/media?handler=Delete", w => F(("id", w.OtherAssetId))),
        },

        // Discovery and public pages
        Get("Index:OnGet", _ => "/", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Discovery/Index:OnGet", _ => "/events?q=show&city=London&from=2026-01-01", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Entities/Profile:OnGet", w => $"/e/{w.Slug}", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Tours/Details:OnGet", w => $"/tours/{w.TourSlug}", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Users/Profile:OnGet", w => $"/u/{w.TargetHandle}", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Error:OnGet", _ => "/error?code=404", Everyone(Outcome.NotFound)) with { Public = true },
        Post("Error:OnPost", _ => "/error?code=400", Everyone(Outcome.Refused)) with { Public = true, Sweep = false },

        // Entity back office
        Get("Entities/Manage/Index:OnGet", _ => "/manage", SignedIn),
        Post("Entities/Manage/Index:OnPostCreate", _ => "/manage?handler=Create", SignedIn,
            _ => F(("Input.Name", $"Made {Guid.NewGuid():N}"), ("Input.Kind", "Venue"))),
        Get("Entities/Manage/Dashboard:OnGet", w => $"/manage/{w.Slug}", Members(Team)),
        Get("Entities/Manage/Edit:OnGet", w => $"/manage/{w.Slug}/edit", Members(Managers)),
        Post("Entities/Manage/Edit:OnPost", w => $"/manage/{w.Slug}/edit", Members(Managers),
            _ => F(("Input.Name", "Renamed"), ("Input.Kind", "Venue"), ("Input.Bio", "Changed bio"))),
        Get("Entities/Manage/Members:OnGet", w => $"/manage/{w.Slug}/members", Members(Managers)),
        Post("Entities/Manage/Members:OnPostAdd", w => $"/manage/{w.Slug}/members?handler=Add", Members(Managers),
            w => F(("Add.Who", w.NewcomerEmail), ("Add.Role", "Coordinator"))),
        Post("Entities/Manage/Members:OnPostChangeRole", w => $"/manage/{w.Slug}/members?handler=ChangeRole", Members(Managers),
            w => F(("userId", w.TargetUserId), ("role", "Manager"))),
        Post("Entities/Manage/Members:OnPostRemove", w => $"/manage/{w.Slug}/members?handler=Remove", Members(Managers),
            w => F(("userId", w.TargetUserId))),
        Post("Entities/Manage/Members:OnPostTransfer", w => $"/manage/{w.Slug}/members?handler=Transfer", Members(Actor.Owner),
            w => F(("userId", w.TargetUserId))),
        Get("Follow/Followers:OnGet", w => $"/manage/{w.Slug}/followers", Members(Managers)),

        // Tours
        Get("Tours/Manage/Index:OnGet", w => $"/manage/{w.Slug}/tours", Members(Managers)),
        Post("Tours/Manage/Index:OnPostCreate", w => $"/manage/{w.Slug}/tours?handler=Create", Members(Managers),
            _ => F(("Input.Name", $"Tour {Guid.NewGuid():N}"))),
        Get("Tours/Manage/Edit:OnGet", w => $"/manage/{w.Slug}/tours/{w.TourSlug}", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/tours/{w.OtherTourSlug}"),
        },
        Post("Tours/Manage/Edit:OnPostSave", w => $"/manage/{w.Slug}/tours/{w.TourSlug}?handler=Save", Members(Managers),
            w => F(("Input.Name", "Renamed tour"), ("Input.Slug", w.TourSlug), ("Input.Description", "New words"))),
        Post("Tours/Manage/Edit:OnPostDelete", w => $"/manage/{w.Slug}/tours/{w.TourSlug}?handler=Delete", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/tours/{w.OtherTourSlug}?handler=Delete"),
        },
        Post("Tours/Manage/Edit:OnPostAssign", w => $"/manage/{w.Slug}/tours/{w.TourSlug}?handler=Assign", Members(Managers),
            w => F(("eventId", w.LooseEventId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/tours/{w.TourSlug}?handler=Assign", w => F(("eventId", w.OtherEventId))),
        },
        Post("Tours/Manage/Edit:OnPostUnassign", w => $"/manage/{w.Slug}/tours/{w.TourSlug}?handler=Unassign", Members(Managers),
            w => F(("eventId", w.StopEventId))),

        // Events: the public page and its RSVPs
        // Chat on the ticketed event: anyone reads, signed-in people post, react and vote; entity A's team moderates.
        Get("Chat/Room:OnGet", w => $"/events/{w.EventSlug}/chat", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Chat/Room:OnPostMessage", w => $"/events/{w.EventSlug}/chat/message", SignedIn, _ => F(("text", "Hello from the matrix"))),
        Post("Chat/Room:OnPostReact", w => $"/events/{w.EventSlug}/chat/react", SignedIn, _ => F(("emoji", "heart"))),
        Post("Chat/Room:OnPostVote", w => $"/events/{w.EventSlug}/chat/vote", SignedIn, w => F(("pollId", ChatMatrix.PollId(w)), ("option", 0))) with
        {
            Prepare = (app, w, _) => ChatMatrix.PollAsync(app, w),
            Foreign = new(Actor.Fan, Outcome.Refused, w => $"/events/{w.EventSlug}/chat/vote", w => F(("pollId", ChatMatrix.OtherPollId(w)), ("option", 0))),
        },
        Post("Chat/Room:OnPostOpenPoll", w => $"/events/{w.EventSlug}/chat/openpoll", ChatTeam,
            _ => F(("question", "Encore?"), ("options[0]", "Yes"), ("options[1]", "No"))),
        Post("Chat/Room:OnPostClosePoll", w => $"/events/{w.EventSlug}/chat/closepoll", ChatTeam, w => F(("pollId", ChatMatrix.PollId(w)))) with
        {
            Prepare = (app, w, _) => ChatMatrix.PollAsync(app, w),
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/events/{w.EventSlug}/chat/closepoll", w => F(("pollId", ChatMatrix.OtherPollId(w)))),
        },
        Post("Chat/Room:OnPostSettings", w => $"/events/{w.EventSlug}/chat/settings", ChatTeam, _ => F(("slowModeSeconds", 5))),
        Get("Chat/Moderate:OnGet", w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.MessageId(w)}", Members(Team)) with
        {
            Prepare = (app, w, _) => ChatMatrix.MessageAsync(app, w),
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.OtherMessageId(w)}"),
        },
        Post("Chat/Moderate:OnPostDelete", w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.MessageId(w)}/delete", Members(Team)) with
        {
            Prepare = (app, w, _) => ChatMatrix.MessageAsync(app, w),
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.OtherMessageId(w)}/delete"),
        },
        Post("Chat/Moderate:OnPostMute", w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.MessageId(w)}/mute", Members(Team),
            _ => F(("minutes", 10))) with
        {
            Prepare = (app, w, _) => ChatMatrix.MessageAsync(app, w),
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.OtherMessageId(w)}/mute", _ => F(("minutes", 10))),
        },
        Post("Chat/Moderate:OnPostBan", w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.MessageId(w)}/ban", Members(Team)) with
        {
            Prepare = (app, w, _) => ChatMatrix.MessageAsync(app, w),
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/events/{w.EventSlug}/chat-moderation/{ChatMatrix.OtherMessageId(w)}/ban"),
        },
        Get("Chat/ModerationLog:OnGet", w => $"/manage/{w.Slug}/chat", Members(Team)),
        Post("Chat/ModerationLog:OnPostUnban", w => $"/manage/{w.Slug}/chat/unban", Members(Team), w => F(("userId", w.TargetUserId))) with
        {
            Prepare = (app, w, _) => ChatMatrix.BanAsync(app, w),
        },
        Post("Chat/ModerationLog:OnPostUnmute", w => $"/manage/{w.Slug}/chat/unmute", Members(Team),
            w => F(("eventId", w.EventId), ("userId", w.TargetUserId))) with
        {
            Prepare = (app, w, _) => ChatMatrix.MuteAsync(app, w),
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/chat/unmute", w => F(("eventId", w.OtherEventId), ("userId", w.TargetUserId))),
        },
        Get("Events/Details:OnGet", w => $"/events/{w.EventSlug}", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Events/Details:OnPostRsvp", w => $"/events/{w.FreeEventSlug}?handler=Rsvp", SignedIn, _ => F(("status", "Going"))),
        Post("Events/Details:OnPostUnrsvp", w => $"/events/{w.FreeEventSlug}?handler=Unrsvp", SignedIn) with
        {
            Prepare = (app, w, actor) => actor == Actor.Anonymous ? Task.CompletedTask : app.RsvpAsync(w.FreeEventSlug, app.IdOf(actor)),
        },

        // Events: the back office
        Get("Events/Manage/Index:OnGet", w => $"/manage/{w.Slug}/events", Members(Team)),
        Get("Events/Manage/New:OnGet", w => $"/manage/{w.Slug}/events/new", Members(Team)),
        Post("Events/Manage/New:OnPost", w => $"/manage/{w.Slug}/events/new", Members(Team), _ => EventForm($"new-{Guid.NewGuid():N}"[..20])),
        Get("Events/Manage/Edit:OnGet", w => $"/manage/{w.Slug}/events/{w.EventId}/edit", Members(Team)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/edit"),
        },
        Post("Events/Manage/Edit:OnPost", w => $"/manage/{w.Slug}/events/{w.EventId}/edit", Members(Team), w => EventForm(w.EventSlug)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/edit", _ => EventForm("taken-over")),
        },
        Post("Events/Manage/Edit:OnPostPhase", w => $"/manage/{w.Slug}/events/{w.EventId}/edit?handler=Phase", Members(Team),
            _ => F(("from", "Pre"), ("to", "Live"))) with
        {
            Variant = "go live",
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/edit?handler=Phase", _ => F(("from", "Pre"), ("to", "Live"))),
        },
        Post("Events/Manage/Edit:OnPostPhase", w => $"/manage/{w.Slug}/events/{w.EventId}/edit?handler=Phase", MembersOrRefused(Managers),
            _ => F(("from", "Pre"), ("to", "Cancelled"), ("note", "The venue flooded"))) with
        {
            Variant = "cancel",
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/edit?handler=Phase", _ => F(("from", "Pre"), ("to", "Cancelled"))),
        },
        Get("Events/Manage/Art:OnGet", w => $"/manage/{w.Slug}/events/{w.EventId}/art", Members(Team)),
        Post("Events/Manage/Art:OnPostUpload", w => $"/manage/{w.Slug}/events/{w.EventId}/art?handler=Upload", Members(Team),
            _ => new FormBody(new Dictionary<string, string>(), [FormFile.Image("art")])) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/art?handler=Upload",
                _ => new FormBody(new Dictionary<string, string>(), [FormFile.Image("art")])),
        },
        Post("Events/Manage/Art:OnPostRemove", w => $"/manage/{w.Slug}/events/{w.EventId}/art?handler=Remove", Members(Team)) with
        {
            Prepare = (app, w, _) => app.SetEventArtAsync(w.EventId, w.AssetId),
        },

        // Streaming (the matrix app has no LiveKit: the page says so and the POSTs change nothing)
        Get("Streaming/ManageStream:OnGet", w => $"/manage/{w.Slug}/events/{w.EventId}/stream", Members(Team)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/stream"),
        },
        Post("Streaming/ManageStream:OnPostRemove", w => $"/manage/{w.Slug}/events/{w.EventId}/stream?handler=Remove", Members(Team),
            _ => F(("identity", "fan-identity"))) with
        {
            Writes = false,
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/stream?handler=Remove", _ => F(("identity", "fan-identity"))),
        },
        Post("Streaming/ManageStream:OnPostStartRecording", w => $"/manage/{w.Slug}/events/{w.EventId}/stream?handler=StartRecording", Members(Team)) with
        {
            Writes = false,
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/stream?handler=StartRecording"),
        },
        Post("Streaming/ManageStream:OnPostStopRecording", w => $"/manage/{w.Slug}/events/{w.EventId}/stream?handler=StopRecording", Members(Team)) with
        {
            Writes = false,
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/stream?handler=StopRecording"),
        },

        // Follow
        Get("Follow/Mine:OnGet", _ => "/me/follows", SignedIn),
        Get("Follow/Toggle:OnGet", w => $"/follow/{w.EntityId}", SignedIn),
        Post("Follow/Toggle:OnPostFollow", w => $"/follow/{w.EntityId}?handler=Follow", SignedIn, _ => F(("returnUrl", "/"))),
        Post("Follow/Toggle:OnPostUnfollow", w => $"/follow/{w.EntityId}?handler=Unfollow", SignedIn) with
        {
            Prepare = (app, w, actor) => actor == Actor.Anonymous ? Task.CompletedTask : app.FollowAsync(app.IdOf(actor), w.EntityId),
        },

        // Notifications: a person's own inbox and settings; a notice they cannot see is "not found".
        Get("Notifications/Inbox:OnGet", _ => "/me/notifications", SignedIn),
        Post("Notifications/Inbox:OnPostRead", _ => $"/me/notifications?handler=Read&id={Guid.NewGuid()}",
            actor => actor == Actor.Anonymous ? Outcome.SignIn : Outcome.NotFound),
        Post("Notifications/Inbox:OnPostReadAll", _ => "/me/notifications?handler=ReadAll", SignedIn),
        Get("Notifications/Preferences:OnGet", _ => "/me/notifications/settings", SignedIn),
        Post("Notifications/Preferences:OnPost", _ => "/me/notifications/settings", SignedIn, _ => F(("Form.Kinds", "LIVE_NOW"))),

        // Tickets and payments
        Get("Tickets/Checkout:OnGet", w => $"/checkout/{w.EventId}", SignedIn),
        Post("Tickets/Checkout:OnPost", w => $"/checkout/{w.EventId}", SignedIn, w => F(($"Quantities[{w.TypeId}]", 1))) with
        {
            Foreign = new(Actor.Fan, Outcome.Refused, w => $"/checkout/{w.EventId}", w => F(($"Quantities[{w.OtherTypeId}]", 1))),
        },
        Get("Payments/TestPayment:OnGet", w => $"/pay/test/{w.PendingOrderId}", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/pay/test/{w.OtherPendingOrderId}"),
        },
        Post("Payments/TestPayment:OnPostPay", w => $"/pay/test/{w.PendingOrderId}?handler=Pay", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/pay/test/{w.OtherPendingOrderId}?handler=Pay"),
        },
        Post("Payments/TestPayment:OnPostFail", w => $"/pay/test/{w.PendingOrderId}?handler=Fail", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/pay/test/{w.OtherPendingOrderId}?handler=Fail"),
        },
        Post("Payments/TestPayment:OnPostAbandon", w => $"/pay/test/{w.PendingOrderId}?handler=Abandon", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/pay/test/{w.OtherPendingOrderId}?handler=Abandon"),
        },
        Get("Tickets/Receipt:OnGet", w => $"/me/orders/{w.PaidOrderId}", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/me/orders/{w.OtherOrderId}"),
        },
        Get("Tickets/Wallet:OnGet", _ => "/me/tickets", SignedIn),
        Get("Tickets/CheckIn:OnGet", w => $"/manage/{w.Slug}/events/{w.EventId}/checkin", Members(Team)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/checkin"),
        },
        Post("Tickets/CheckIn:OnPost", w => $"/manage/{w.Slug}/events/{w.EventId}/checkin", Members(Team), w => F(("code", w.TicketCode))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/events/{w.EventId}/checkin", w => F(("code", w.OtherTicketCode))),
        },
        Get("Tickets/ManageTickets:OnGet", w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?q=matrix", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/tickets"),
        },
        Post("Tickets/ManageTickets:OnPostSave", w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=Save", Members(Managers),
            _ => F(("Input.Name", "Balcony"), ("Input.Price", "10.00"), ("Input.Currency", "EUR"), ("Input.Capacity", 10), ("Input.MaxPerOrder", 2))) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/events/{w.OtherEventId}/tickets?handler=Save",
                _ => F(("Input.Name", "Balcony"), ("Input.Price", "10.00"), ("Input.Currency", "EUR"), ("Input.Capacity", 10), ("Input.MaxPerOrder", 2))),
        },
        Post("Tickets/ManageTickets:OnPostDelete", w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=Delete", Members(Managers),
            w => F(("typeId", w.SpareTypeId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=Delete", w => F(("typeId", w.OtherTypeId))),
        },
        Post("Tickets/ManageTickets:OnPostRefundOrder", w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=RefundOrder", Members(Managers),
            w => F(("orderId", w.PaidOrderId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=RefundOrder", w => F(("orderId", w.OtherOrderId))),
        },
        Post("Tickets/ManageTickets:OnPostRefundTicket", w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=RefundTicket", Members(Managers),
            w => F(("orderId", w.PaidOrderId), ("ticketId", w.TicketIds[1]))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=RefundTicket",
                w => F(("orderId", w.OtherOrderId), ("ticketId", w.OtherTicketId))),
        },
        Post("Tickets/ManageTickets:OnPostRefundAmount", w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=RefundAmount", Members(Managers),
            w => F(("orderId", w.PaidOrderId), ("amount", "5.00"))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/events/{w.EventId}/tickets?handler=RefundAmount",
                w => F(("orderId", w.OtherOrderId), ("amount", "5.00"))),
        },

        // Store: public pages and the cart work for everyone (a guest's cart lives in a cookie); checkout and orders need an account.
        Get("Store/Index:OnGet", w => $"/e/{w.Slug}/store", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Store/Product:OnGet", w => $"/e/{w.Slug}/store/{w.ProductSlug}", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Store/Product:OnPostAdd", w => $"/e/{w.Slug}/store/{w.ProductSlug}?handler=Add", Everyone(Outcome.Allowed),
            _ => F(("Quantity", 1))) with { Public = true },
        Get("Store/Cart:OnGet", _ => "/cart", Everyone(Outcome.Allowed)) with { Public = true },
        Post("Store/Cart:OnPostQuantity", w => $"/cart?handler=Quantity&variantId={w.VariantId}",
            actor => actor == Actor.Anonymous ? Outcome.Refused : Outcome.Allowed, _ => F(("quantity", 2))) with
        {
            Public = true,
            Prepare = (app, w, actor) => app.CartLineAsync(w, actor),
        },
        Post("Store/Cart:OnPostRemove", w => $"/cart?handler=Remove&variantId={w.VariantId}",
            actor => actor == Actor.Anonymous ? Outcome.Refused : Outcome.Allowed) with
        {
            Public = true,
            Prepare = (app, w, actor) => app.CartLineAsync(w, actor),
        },
        Post("Store/Cart:OnPostAcceptPrices", _ => "/cart?handler=AcceptPrices", Everyone(Outcome.Allowed)) with { Public = true, Writes = false },
        Get("Store/Checkout:OnGet", w => $"/cart/checkout/{w.EntityId}", SignedIn),
        Post("Store/Checkout:OnPost", w => $"/cart/checkout/{w.EntityId}", SignedIn,
            _ => F(("Input.Name", "Fan"), ("Input.Line1", "1 Street"), ("Input.City", "Leeds"), ("Input.Postcode", "LS1 1AA"), ("Input.Country", "GB"))) with
        {
            Prepare = (app, w, actor) => app.CartLineAsync(w, actor),
            Foreign = new(Actor.Fan, Outcome.Refused, w => $"/cart/checkout/{w.OtherEntityId}",
                _ => F(("Input.Name", "Fan"), ("Input.Line1", "1 Street"), ("Input.City", "Leeds"), ("Input.Postcode", "LS1 1AA"), ("Input.Country", "GB"))),
        },
        Get("Store/MyOrders:OnGet", _ => "/me/orders", SignedIn),
        Get("Store/OrderDetails:OnGet", w => $"/me/orders/store/{w.StoreOrderId}", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/me/orders/store/{w.OtherStoreOrderId}"),
        },
        // A made-up token opens nothing, for the buyer too (genuine links are tested in DigitalDownloadTests).
        Get("Store/OrderDetails:OnGetDownload", w => $"/me/orders/store/{w.StoreOrderId}?handler=Download&lineId={w.StoreLineId}&t=made-up",
            actor => actor == Actor.Anonymous ? Outcome.SignIn : Outcome.NotFound),
        Get("Store/Manage/Store:OnGet", w => $"/manage/{w.Slug}/store", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.OtherSlug}/store"),
        },
        Get("Store/Manage/ProductEdit:OnGet", w => $"/manage/{w.Slug}/store/products", Members(Managers)),
        Post("Store/Manage/ProductEdit:OnPost", w => $"/manage/{w.Slug}/store/products", Members(Managers),
            _ => F(("Input.Name", "Matrix hoodie"), ("Input.Kind", "Physical"), ("Input.Price", "30.00"), ("Input.Currency", "EUR"),
                ("Input.Visibility", "Public"), ("Input.MaxPerOrder", 5), ("Input.Stock", 10))),
        Get("Store/Manage/Orders:OnGet", w => $"/manage/{w.Slug}/store/orders", Members(Team)),
        Post("Store/Manage/Orders:OnPostShip", w => $"/manage/{w.Slug}/store/orders?handler=Ship", Members(Team),
            w => F(("orderId", w.StoreOrderId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/store/orders?handler=Ship", w => F(("orderId", w.OtherStoreOrderId))),
        },
        Post("Store/Manage/Orders:OnPostRefundOrder", w => $"/manage/{w.Slug}/store/orders?handler=RefundOrder", Members(Managers),
            w => F(("orderId", w.StoreOrderId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/store/orders?handler=RefundOrder", w => F(("orderId", w.OtherStoreOrderId))),
        },
        Post("Store/Manage/Orders:OnPostRefundLine", w => $"/manage/{w.Slug}/store/orders?handler=RefundLine", Members(Managers),
            w => F(("orderId", w.StoreOrderId), ("lineId", w.StoreLineId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/store/orders?handler=RefundLine",
                w => F(("orderId", w.OtherStoreOrderId), ("lineId", w.OtherStoreLineId))),
        },

        // Posts: reading is public; commenting needs an account and acts on one's own comments (moderation: the team).
        Get("Posts/Index:OnGet", w => $"/e/{w.Slug}/posts", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Posts/Post:OnGet", w => $"/e/{w.Slug}/posts/{w.PostId}", Everyone(Outcome.Allowed)) with { Public = true },
        Get("Posts/Feed:OnGet", _ => "/me/feed", SignedIn),
        Post("Posts/Post:OnPostComment", w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Comment", SignedIn,
            _ => F(("body", "Matrix reply"))) with
        {
            Public = true,
            Foreign = new(Actor.Fan, Outcome.Refused, w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Comment",
                w => F(("body", "Matrix reply"), ("parentId", w.OtherCommentId))),
        },
        Post("Posts/Post:OnPostEdit", w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Edit", SignedIn) with
        {
            Public = true,
            FormAs = (w, actor) => F(("commentId", w.CommentBy(actor)), ("body", $"Edited {Guid.NewGuid():N}")),
            Foreign = new(Actor.Fan, Outcome.Refused, w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Edit",
                w => F(("commentId", w.OtherCommentId), ("body", "Hijacked"))),
        },
        Post("Posts/Post:OnPostDelete", w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Delete", SignedIn) with
        {
            Public = true,
            FormAs = (w, actor) => F(("commentId", w.CommentBy(actor))),
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Delete", w => F(("commentId", w.OtherCommentId))),
        },
        Post("Posts/Post:OnPostReact", w => $"/e/{w.Slug}/posts/{w.PostId}?handler=React", SignedIn,
            w => F(("commentId", w.CommentBy(Actor.Fan)), ("kind", "heart"))) with
        {
            Public = true,
            Foreign = new(Actor.Fan, Outcome.Refused, w => $"/e/{w.Slug}/posts/{w.PostId}?handler=React",
                w => F(("commentId", w.OtherCommentId), ("kind", "heart"))),
        },
        Post("Posts/Post:OnPostLock", w => $"/e/{w.Slug}/posts/{w.PostId}?handler=Lock", ChatTeam, _ => F(("locked", "true"))) with
        {
            Public = true,
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/e/{w.OtherSlug}/posts/{w.OtherPostId}?handler=Lock", _ => F(("locked", "true"))),
        },
        Get("Posts/Manage/Index:OnGet", w => $"/manage/{w.Slug}/posts", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.OtherSlug}/posts"),
        },
        Post("Posts/Manage/Index:OnPostDelete", w => $"/manage/{w.Slug}/posts?handler=Delete", Members(Managers), w => F(("postId", w.PostId))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/posts?handler=Delete", w => F(("postId", w.OtherPostId))),
        },
        Get("Posts/Manage/Edit:OnGet", w => $"/manage/{w.Slug}/posts/edit/{w.PostId}", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/posts/edit/{w.OtherPostId}"),
        },
        Post("Posts/Manage/Edit:OnPost", w => $"/manage/{w.Slug}/posts/edit", Members(Managers),
            _ => F(("Input.Title", "Matrix news"), ("Input.Body", "Matrix body"), ("Input.Visibility", "Public"), ("Input.Publish", "Draft"))) with
        {
            Foreign = new(Actor.Owner, Outcome.Refused, w => $"/manage/{w.Slug}/posts/edit",
                w => F(("Input.Title", "Matrix news"), ("Input.Body", "Matrix body"), ("Input.Visibility", "Public"), ("Input.Publish", "Draft"),
                    ("Input.EventId", w.OtherEventId))),
        },

        // Memberships: tiers are money (owners and managers); joining needs an account; a fan's memberships are their own.
        Get("Memberships/Manage:OnGet", w => $"/manage/{w.Slug}/memberships", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.OtherSlug}/memberships"),
        },
        Post("Memberships/Manage:OnPostCreate", w => $"/manage/{w.Slug}/memberships?handler=Create", Members(Managers),
            _ => F(("Input.Name", "Matrix patron"), ("Input.Rank", 2), ("Input.Price", "9.00"), ("Input.Currency", "EUR"))),
        Post("Memberships/Manage:OnPostUpdate", w => $"/manage/{w.Slug}/memberships?handler=Update&tierId={w.TierId}", Members(Managers),
            _ => F(("Input.Name", "Matrix renamed"), ("Input.Rank", 1), ("Input.Price", "6.00"), ("Input.Currency", "EUR"))) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/memberships?handler=Update&tierId={w.OtherTierId}",
                _ => F(("Input.Name", "Taken over"), ("Input.Rank", 1), ("Input.Price", "1.00"), ("Input.Currency", "EUR"))),
        },
        Post("Memberships/Manage:OnPostArchive", w => $"/manage/{w.Slug}/memberships?handler=Archive&tierId={w.TierId}", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/memberships?handler=Archive&tierId={w.OtherTierId}"),
        },
        Post("Memberships/Manage:OnPostReopen", w => $"/manage/{w.Slug}/memberships?handler=Reopen&tierId={w.TierId}", Members(Managers)) with
        {
            Foreign = new(Actor.Owner, Outcome.NotFound, w => $"/manage/{w.Slug}/memberships?handler=Reopen&tierId={w.OtherTierId}"),
        },
        Get("Memberships/Join:OnGet", w => $"/memberships/join/{w.TierId}", SignedIn),
        // The fan is already a member of the tier; everyone else starts a test payment.
        Post("Memberships/Join:OnPost", w => $"/memberships/join/{w.TierId}",
            actor => actor switch { Actor.Anonymous => Outcome.SignIn, Actor.Fan => Outcome.Refused, _ => Outcome.Allowed }),
        Get("Memberships/Mine:OnGet", _ => "/me/memberships", SignedIn),
        Post("Memberships/Mine:OnPostCancel", w => $"/me/memberships?handler=Cancel&membershipId={w.MembershipId}", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/me/memberships?handler=Cancel&membershipId={w.OtherMembershipId}"),
        },
        // Without Stripe there is no portal: the fan is told so; nobody else may ask about the membership.
        Post("Memberships/Mine:OnPostPortal", w => $"/me/memberships?handler=Portal&membershipId={w.MembershipId}",
            actor => actor switch { Actor.Anonymous => Outcome.SignIn, Actor.Fan => Outcome.Refused, _ => Outcome.NotFound }) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/me/memberships?handler=Portal&membershipId={w.OtherMembershipId}"),
        },
        Post("Memberships/Mine:OnPostSimulateRenewal", w => $"/me/memberships?handler=SimulateRenewal&membershipId={w.MembershipId}", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/me/memberships?handler=SimulateRenewal&membershipId={w.OtherMembershipId}"),
        },
        Post("Memberships/Mine:OnPostSimulateFailedRenewal", w => $"/me/memberships?handler=SimulateFailedRenewal&membershipId={w.MembershipId}", Buyer) with
        {
            Foreign = new(Actor.Fan, Outcome.NotFound, w => $"/me/memberships?handler=SimulateFailedRenewal&membershipId={w.OtherMembershipId}"),
        },

        // The fan's own profile
        Get("Users/EditProfile:OnGet", _ => "/me/profile", SignedIn),
        Post("Users/EditProfile:OnPostSave", _ => "/me/profile?handler=Save", SignedIn) with
        {
            // The display name stays the actor's: the sign-in helper checks it.
            FormAs = (_, actor) => F(("Input.DisplayName", actor.ToString()), ("Input.Bio", $"Bio {Guid.NewGuid():N}"), ("Input.City", "Leeds")),
        },
        Post("Users/EditProfile:OnPostAvatar", _ => "/me/profile?handler=Avatar", SignedIn,
            _ => new FormBody(new Dictionary<string, string>(), [FormFile.Image("avatar")])),
        Post("Users/EditProfile:OnPostRemoveAvatar", _ => "/me/profile?handler=RemoveAvatar", SignedIn) with
        {
            Prepare = (app, _, actor) => actor == Actor.Anonymous ? Task.CompletedTask : app.GiveAvatarAsync(app.IdOf(actor)),
        },
    ];

    /// <summary>An event form that the editor accepts: a title, a slug, and a start and end in UTC.</summary>
    public static FormBody EventForm(string slug) => F(
        ("Input.Title", "Matrix show"), ("Input.Slug", slug), ("Input.TimeZone", "UTC"),
        ("Input.StartsLocal", Local(Arrange.DaysFromNow(40))), ("Input.EndsLocal", Local(Arrange.DaysFromNow(40).AddHours(2))),
        ("Input.Visibility", nameof(EventVisibility.Public)), ("Input.IsOnline", "true"));
}
