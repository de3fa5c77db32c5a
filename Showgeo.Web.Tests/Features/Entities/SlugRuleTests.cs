using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Tours;
using Showgeo.Web.Tests.Infrastructure;
using Showgeo.Web.Features.Entities;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Entities;

/// <summary>Entities, tours and events make their addresses from a name by one rule, through their real forms.</summary>
public sealed class SlugRuleTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private const string Name = "Björk Café";

    [Fact]
    public async Task Bjork_cafe_gets_the_same_address_as_an_entity_a_tour_and_an_event_and_each_second_one_steps_aside()
    {
        using var client = await app.SignedInAsync(await app.UserAsync("slugs@example.com", "Slug Owner"));

        var first = await CreateEntityAsync(client);
        await CreateTourAsync(client, first);
        await CreateEventAsync(client, first);
        var second = await CreateEntityAsync(client);
        await CreateTourAsync(client, first);
        await CreateEventAsync(client, first);

        await using var db = app.CreateDb();
        var entities = await db.Set<Entity>().Where(e => e.Name == Name).OrderBy(e => e.CreatedAt).Select(e => e.Slug).ToListAsync();
        var tours = await db.Set<Tour>().Where(t => t.Name == Name).OrderBy(t => t.CreatedAt).Select(t => t.Slug).ToListAsync();
        var events = await db.Set<Event>().Where(e => e.Title == Name).OrderBy(e => e.CreatedAt).Select(e => e.Slug).ToListAsync();
        Assert.Equal(["bjork-cafe", "bjork-cafe-2"], entities);
        Assert.Equal(["bjork-cafe", "bjork-cafe-2"], tours);
        Assert.Equal(["bjork-cafe", "bjork-cafe-2"], events);
        Assert.Equal(("bjork-cafe", "bjork-cafe-2"), (first, second));
    }

    [Theory]
    [InlineData("Björk Café", "bjork-cafe")]
    [InlineData("Cafe\u0301 Noir", "cafe-noir")]
    [InlineData("Mötley Crüe", "motley-crue")]
    [InlineData("Łódź Straße", "lodz-strasse")]
    [InlineData("Æther & Co.", "aether-co")]
    [InlineData("  --Sigur Rós!!  ", "sigur-ros")]
    public void Accented_latin_letters_lose_their_accents_and_everything_else_becomes_single_hyphens(string name, string slug) =>
        Assert.Equal(slug, Slugs.From(name, 80));

    [Fact]
    public void A_made_address_that_steps_aside_at_the_length_limit_stays_valid()
    {
        // Cut to fit "-2", "bach-choir" would end in a hyphen and become "bach--2".
        Assert.Equal("bach-2", Slugs.FirstFree("bach-choir", ["bach-choir"], 7));
        Assert.Equal("bach-c-2", Slugs.FirstFree("bach-choir", ["bach-choir"], 8));
    }

    private static async Task<string> CreateEntityAsync(WebClient client)
    {
        var manage = await client.GetAsync("/manage");
        var created = await client.SubmitAsync(manage.Document, "#create-entity-form", new Dictionary<string, string>
        {
            ["Input.Name"] = Name, ["Input.Kind"] = "Venue",
        });
        Assert.StartsWith("/manage/", created.Path);
        return created.Path["/manage/".Length..];
    }

    private static async Task CreateTourAsync(WebClient client, string entitySlug)
    {
        var tours = await client.GetAsync($"/manage/{entitySlug}/tours");
        var created = await client.SubmitAsync(tours.Document, "#create-tour-form", new Dictionary<string, string>
        {
            ["Input.Name"] = Name,
        });
        Assert.StartsWith($"/manage/{entitySlug}/tours/bjork-cafe", created.Path);
    }

    private static async Task CreateEventAsync(WebClient client, string entitySlug)
    {
        var form = await client.GetAsync($"/manage/{entitySlug}/events/new");
        var created = await client.SubmitAsync(form.Document, "#event-form", new Dictionary<string, string>
        {
            ["Input.Title"] = Name,
            ["Input.Slug"] = "",
            ["Input.TimeZone"] = "Europe/London",
            ["Input.StartsLocal"] = "2030-03-01T20:00",
            ["Input.EndsLocal"] = "2030-03-01T23:00",
            ["Input.VenueName"] = "Harpa",
            ["Input.City"] = "Reykjavík",
            ["Input.Country"] = "IS",
        });
        Assert.EndsWith("/edit", created.Path);
    }
}
