using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Discovery;

/// <summary>
/// Search columns that only discovery reads. They are shadow properties (PostgreSQL fills them; no C# code ever
/// sets them), configured here so the Event class stays about what an event is.
/// </summary>
internal static class DiscoveryColumns
{
    public const string SearchVector = "SearchVector";
    public const string CityKey = "CityKey";
}

internal sealed class EventSearchConfiguration : IEntityTypeConfiguration<Event>
{
    public void Configure(EntityTypeBuilder<Event> b)
    {
        // Written only by the database trigger (migrations 0020, 0150), which also folds in the entity's name.
        var search = b.Property<NpgsqlTsVector>(DiscoveryColumns.SearchVector);
        search.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        search.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        // Only what discovery searches (migration 0149): listed (public) events on sale or live.
        b.HasIndex(DiscoveryColumns.SearchVector).HasMethod("gin").HasFilter("visibility = 'Public' AND phase IN ('Pre', 'Live')");
        b.Property<string>(DiscoveryColumns.CityKey).HasMaxLength(100).HasComputedColumnSql("lower(city)", stored: true);
        b.HasIndex(DiscoveryColumns.CityKey, nameof(Event.StartsAt));
        b.HasIndex(x => x.Genres).HasMethod("gin");
        b.HasIndex(x => new { x.Latitude, x.Longitude });
        // Carries what a text search's walk in date order tests, so it runs index-only (migration 0150).
        b.HasIndex(x => new { x.StartsAt, x.Id }).HasFilter("visibility = 'Public' AND phase IN ('Pre', 'Live')")
            .IncludeProperties(nameof(Event.EndsAt), nameof(Event.EntityId), DiscoveryColumns.SearchVector);
    }
}
