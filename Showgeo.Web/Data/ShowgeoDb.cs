using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Showgeo.Web.Data;

/// <summary>
/// The one DbContext. Features reach their tables through <c>Set&lt;T&gt;()</c> (or the few shortcuts below);
/// each entity's mapping lives in an <c>IEntityTypeConfiguration</c> beside its feature.
/// </summary>
public sealed class ShowgeoDb(DbContextOptions<ShowgeoDb> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<AppUser>(u =>
        {
            u.ToTable("users");
            u.Property(x => x.DisplayName).HasMaxLength(100);
            u.Property(x => x.Handle).HasMaxLength(30);
            u.HasIndex(x => x.Handle).IsUnique();
            u.Property(x => x.Bio).HasMaxLength(2000);
            u.Property(x => x.City).HasMaxLength(100);
            u.Property(x => x.Country).HasMaxLength(2);
            u.Property(x => x.SuspensionReason).HasMaxLength(500);
        });
        builder.Entity<IdentityRole<Guid>>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");

        builder.ApplyConfigurationsFromAssembly(typeof(ShowgeoDb).Assembly);
        SnakeCase.Apply(builder);
    }
}
