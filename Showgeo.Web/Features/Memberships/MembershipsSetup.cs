using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Memberships;

public sealed class MembershipsOptions
{
    public const string Section = "Memberships";

    /// <summary>How long a seat is held while the fan pays the first month (Stripe sessions last at least 31 minutes).</summary>
    public TimeSpan Hold { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>How long a membership whose renewal failed keeps access past its paid period.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromDays(3);

    public void Validate()
    {
        if (Hold < TimeSpan.FromMinutes(1)) throw new RequiredSettingException("Memberships:Hold", "must be at least one minute.");
        if (Grace < TimeSpan.Zero || Grace > TimeSpan.FromDays(30)) throw new RequiredSettingException("Memberships:Grace", "must be between 0 and 30 days.");
    }
}

/// <summary>Wires memberships: tiers and joins, the "membership" order kind (test payments), and Stripe subscription events.</summary>
public static class MembershipsSetup
{
    public static WebApplicationBuilder AddShowgeoMemberships(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(MembershipsOptions.Section).Get<MembershipsOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddScoped<MembershipSeats>();
        builder.Services.AddScoped<MembershipHoldRefusals>();
        builder.Services.AddScoped<MembershipJoin>();
        builder.Services.AddOrderKind<MembershipOrderKind>();
        builder.Services.AddScoped<IStripeSubscriptionEvents, MembershipStripeEvents>();
        builder.Services.AddDomainEventHandler<MembershipStarted, TellFanAboutMembership>();
        builder.Services.AddDomainEventHandler<MembershipEnded, TellFanAboutMembership>();
        var stripe = builder.Configuration.GetSection(StripeOptions.Section).Get<StripeOptions>() ?? new();
        if (stripe.Enabled)
            builder.Services.AddHttpClient<MembershipStripeClient>(c => c.Timeout = TimeSpan.FromSeconds(stripe.TimeoutSeconds));
        builder.Services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizePage("/Memberships/Manage");
            o.Conventions.AuthorizePage("/Memberships/Mine");
            o.Conventions.AuthorizePage("/Memberships/Join");
        });
        return builder;
    }
}
