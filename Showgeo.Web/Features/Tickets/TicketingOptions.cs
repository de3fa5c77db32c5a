using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Tickets;

public sealed class TicketingOptions
{
    public const string Section = "Tickets";
    // Only for Development and Testing, where tickets are worthless; anywhere else the key must be configured.
    internal const string DevelopmentSigningKey = "showgeo-development-ticket-signing-key-not-for-production";

    /// <summary>How long seats stay held while a fan pays with the local provider (Stripe needs at least 30).</summary>
    public double HoldMinutes { get; set; } = 15;
    /// <summary>Secret for signing ticket codes. Required outside Development/Testing.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Unpaid orders one account may hold for one event at a time, so nobody can sit on the seats.</summary>
    public int MaxPendingOrders { get; set; } = 3;

    public TimeSpan Hold => TimeSpan.FromMinutes(HoldMinutes);

    public void Validate(IHostEnvironment env)
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            if (env.IsDevelopment() || env.IsEnvironment("Testing")) SigningKey = DevelopmentSigningKey;
            else throw new RequiredSettingException("Tickets:SigningKey", "is required: it signs ticket codes (use 32+ random characters).");
        }
        else if (SigningKey.Length < 32)
            throw new RequiredSettingException("Tickets:SigningKey", "must be at least 32 characters.");
        if (MaxPendingOrders < 1)
            throw new RequiredSettingException("Tickets:MaxPendingOrders", "must be at least 1.");
        if (HoldMinutes <= 0)
            throw new RequiredSettingException("Tickets:HoldMinutes", "must be greater than zero.");
    }
}
