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

    /// <summary>How long a sold-out reading of an event's ticket types answers other buyers without a query (0 turns it off).</summary>
    public double SoldOutAnswerSeconds { get; set; } = 1;

    /// <summary>Checkouts that work on the database at once per instance; later ones wait their turn (see <see cref="HoldAdmission"/>).</summary>
    public int HoldConcurrency { get; set; } = 16;

    /// <summary>Checkouts that may wait for a turn per instance; beyond that a buyer is asked to try again.</summary>
    public int HoldQueueLimit { get; set; } = 20_000;

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
        if (SoldOutAnswerSeconds is < 0 or > 60)
            throw new RequiredSettingException("Tickets:SoldOutAnswerSeconds", "must be between 0 and 60.");
        if (HoldConcurrency < 1)
            throw new RequiredSettingException("Tickets:HoldConcurrency", "must be at least 1.");
        if (HoldQueueLimit < 0)
            throw new RequiredSettingException("Tickets:HoldQueueLimit", "must not be negative.");
    }
}
