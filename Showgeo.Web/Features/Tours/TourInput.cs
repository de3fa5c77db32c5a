using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Features.Tours;

/// <summary>A tour's editable fields, shared by creating and editing one.</summary>
public sealed class TourInput
{
    public const int SlugMaxLength = 120;

    [Required(ErrorMessage = "Enter the tour's name."), StringLength(200, ErrorMessage = "The name can be at most 200 characters.")]
    public string? Name { get; set; }

    [StringLength(SlugMaxLength, ErrorMessage = "The address can be at most 120 characters.")]
    public string? Slug { get; set; }

    [StringLength(4000, ErrorMessage = "The description can be at most 4000 characters.")]
    public string? Description { get; set; }

    /// <summary>The slug asked for, or null to make one from the name; adds an error when it cannot be used.</summary>
    public string? WantedSlug(ModelStateDictionary state, string prefix)
    {
        if (string.IsNullOrWhiteSpace(Slug)) return null;
        var slug = Slug.Trim().ToLowerInvariant();
        if (!Slugs.IsValid(slug))
            state.AddModelError($"{prefix}.Slug", "Use lower-case letters, digits and single hyphens for the address, like \"spring-2026\".");
        return slug;
    }
}
