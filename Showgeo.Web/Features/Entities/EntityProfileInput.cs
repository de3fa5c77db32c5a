using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Entities;

/// <summary>The profile fields an entity's form takes, shared by creating and editing an entity.</summary>
public sealed class EntityProfileInput
{
    public const int MaxGenres = 10;
    public const int MaxLinks = 10;

    [Required(ErrorMessage = "Enter a name."), StringLength(120, ErrorMessage = "The name can be at most 120 characters.")]
    public string Name { get; set; } = "";

    public EntityKind Kind { get; set; } = EntityKind.Artist;

    [StringLength(4000, ErrorMessage = "The bio can be at most 4000 characters.")]
    public string? Bio { get; set; }

    [Display(Name = "Genres")]
    public string? Genres { get; set; }

    public string? Links { get; set; }

    [StringLength(100, ErrorMessage = "The city can be at most 100 characters.")]
    public string? City { get; set; }

    public string? Country { get; set; }

    public static EntityProfileInput From(Entity e) => new()
    {
        Name = e.Name, Kind = e.Kind, Bio = e.Bio, Genres = string.Join(", ", e.Genres),
        Links = string.Join("\n", e.Links), City = e.City, Country = e.Country,
    };

    /// <summary>Checks what attributes cannot (lists, URLs, country code); adds errors under <paramref name="prefix"/>.</summary>
    public void Validate(ModelStateDictionary state, string prefix)
    {
        if (!Enum.IsDefined(Kind)) state.AddModelError($"{prefix}.Kind", "Choose artist, venue or organisation.");
        var genres = ParsedGenres();
        if (genres.Length > MaxGenres) state.AddModelError($"{prefix}.Genres", $"List at most {MaxGenres} genres.");
        if (genres.Any(g => g.Length > 40)) state.AddModelError($"{prefix}.Genres", "Each genre can be at most 40 characters.");
        var links = ParsedLinks();
        if (links.Length > MaxLinks) state.AddModelError($"{prefix}.Links", $"List at most {MaxLinks} links.");
        foreach (var link in links)
        {
            if (link.Length > 300 || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                state.AddModelError($"{prefix}.Links", $"\"{Shorten(link)}\" is not a web address (start it with https://).");
        }
        var country = IsoCountries.Normalize(Country);
        if (country is not null && !IsoCountries.IsValid(country))
            state.AddModelError($"{prefix}.Country", IsoCountries.NotACountry(country));
    }

    public void ApplyTo(Entity e)
    {
        e.Name = Name.Trim();
        e.Kind = Kind;
        e.Bio = Bio?.Trim() ?? "";
        e.Genres = ParsedGenres();
        e.Links = ParsedLinks();
        e.City = string.IsNullOrWhiteSpace(City) ? null : City.Trim();
        e.Country = IsoCountries.Normalize(Country);
    }

    private string[] ParsedGenres() =>
        (Genres ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private string[] ParsedLinks() =>
        (Links ?? "").Split(['\n', '\r', ' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Distinct().ToArray();

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
