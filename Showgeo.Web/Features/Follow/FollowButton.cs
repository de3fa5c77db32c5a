namespace Showgeo.Web.Features.Follow;

/// <summary>What <c>_FollowButton</c> renders. <see cref="ReturnUrl"/> is where the no-JS form comes back to.</summary>
public sealed record FollowButton(Guid EntityId, string EntityName, int FollowerCount, bool IsFollowing, bool SignedIn,
    string ReturnUrl, string? Message = null)
{
    public string FollowersText => FollowerCount == 1 ? "1 follower" : $"{FollowerCount:N0} followers";
}
