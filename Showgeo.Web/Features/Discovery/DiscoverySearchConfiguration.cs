using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Discovery;

/// <summary>
/// Search columns that only discovery reads. They are shadow properties (PostgreSQL computes them; no C# code ever
/// sets them), configured here so the events and entities classes stay about what an event and an entity are.
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
        b.Property<NpgsqlTsVector>(DiscoveryColumns.SearchVector)
            .HasComputedColumnSql("to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(venue_name, '') || ' ' || coalesce(city, ''))", stored: true);
        b.HasIndex(DiscoveryColumns.SearchVector).HasMethod("gin");
        b.Property<string>(DiscoveryColumns.CityKey).HasMaxLength(100).HasComputedColumnSql("lower(city)", stored: true);
        b.HasIndex(DiscoveryColumns.CityKey, nameof(Event.StartsAt));
        b.HasIndex(x => x.Genres).HasMethod("gin");
        b.HasIndex(x => new { x.Latitude, x.Longitude });
    }
}

internal sealed class EntitySearchConfiguration : IEntityTypeConfiguration<Entity>
{
    public void Configure(EntityTypeBuilder<Entity> b)
    {
        b.Property<NpgsqlTsVector>(DiscoveryColumns.SearchVector)
            .HasComputedColumnSql("to_tsvector('simple', name)", stored: true);
        b.HasIndex(DiscoveryColumns.SearchVector).HasMethod("gin");
    }
}
