using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Outbox;

namespace Showgeo.Web.Features.Store;

public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>How long stock stays held while the fan pays.</summary>
    public TimeSpan Hold { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Unpaid orders one account may have open with one store at a time.</summary>
    public int MaxPendingOrders { get; set; } = 3;
    /// <summary>How often due product drops are recorded and announced (<see cref="ProductDropped"/>).</summary>
    public int DropCheckSeconds { get; set; } = 15;

    public void Validate()
    {
        if (Hold < TimeSpan.FromMinutes(1)) throw new RequiredSettingException("Store:Hold", "must be at least one minute.");
        if (MaxPendingOrders < 1) throw new RequiredSettingException("Store:MaxPendingOrders", "must be at least 1.");
        if (DropCheckSeconds < 1) throw new RequiredSettingException("Store:DropCheckSeconds", "must be at least 1.");
    }
}

/// <summary>Wires the store: products and their access rule, carts, the "store" order kind, drops and downloads.</summary>
public static class StoreSetup
{
    public static WebApplicationBuilder AddShowgeoStore(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddScoped<ProductAccess>();
        builder.Services.AddScoped<CartService>();
        builder.Services.AddScoped<StoreCheckout>();
        builder.Services.AddScoped<StoreOrderDrafts>();
        builder.Services.AddSingleton<DownloadLinks>();
        builder.Services.AddOrderKind<StoreOrderKind>();
        builder.Services.AddRecurringJob<ProductDropJob>(ProductDropJob.Name, Cadence.Every(TimeSpan.FromSeconds(options.DropCheckSeconds)));
        builder.Services.AddDomainEventHandler<StoreOrderShipped, TellBuyerOrderShipped>();
        builder.Services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Store/Manage");
            o.Conventions.AuthorizePage("/Store/MyOrders");
            o.Conventions.AuthorizePage("/Store/OrderDetails");
            o.Conventions.AuthorizePage("/Store/Checkout");
        });
        return builder;
    }
}
