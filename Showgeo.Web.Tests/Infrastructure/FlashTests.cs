using System.Net;
using AngleSharp.Html.Dom;
using Showgeo.Web.Features.Entities;

namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>
/// A success message after a redirect travels under one key: the layout shows it once, a page that shows it in its
/// own panel takes it so it is not shown twice, and htmx that wants a whole page is sent there with HX-Redirect.
/// </summary>
public sealed class FlashTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task A_plain_forms_success_message_shows_once_at_the_top_of_the_next_page()
    {
        var owner = await app.UserAsync("flash-once@example.com", "Flash Owner");
        await app.EntityAsync("flash-once", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        var tours = await client.GetAsync("/manage/flash-once/tours");

        var edit = await client.SubmitAsync(tours.Document, "#create-tour-form", new Dictionary<string, string> { ["Input.Name"] = "Flash Run" });

        Assert.Equal("/manage/flash-once/tours/flash-run", edit.Path);
        Assert.Equal("Tour \"Flash Run\" created. Now add its stops.", Flashes(edit.Document).Single());
        Assert.NotNull(edit.Document.QuerySelector("main > p.flash"));
        Assert.Empty(Flashes((await client.GetAsync(edit.Path)).Document));
    }

    [Fact]
    public async Task A_page_that_shows_the_message_in_its_panel_does_not_show_it_again_at_the_top()
    {
        var owner = await app.UserAsync("flash-panel@example.com", "Flash Owner");
        var entity = await app.EntityAsync("flash-panel", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        var eventId = (await app.EventAsync(entity.Id, "flash-panel-show", startsAt: DateTimeOffset.UtcNow.AddDays(20))).Id;
        var admin = await client.GetAsync($"/manage/flash-panel/events/{eventId}/tickets");

        var after = await client.SubmitAsync(admin.Document, "#ticket-type-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Balcony", ["Input.Price"] = "12.50", ["Input.Currency"] = "EUR",
        });

        Assert.Equal($"/manage/flash-panel/events/{eventId}/tickets", after.Path);
        Assert.Equal("Added Balcony.", Flashes(after.Document).Single());
        Assert.NotNull(after.Document.QuerySelector("#ticket-admin .flash"));
    }

    [Fact]
    public async Task A_boosted_htmx_post_is_sent_to_the_whole_page_with_hx_redirect_and_the_message_waits_there()
    {
        var owner = await app.UserAsync("flash-boost@example.com", "Flash Owner");
        var entity = await app.EntityAsync("flash-boost", members: [(owner.Id, EntityRole.Owner)]);
        using var client = await app.SignedInAsync(owner);
        await app.TourAsync(entity.Id, "boost-tour", "Boost tour");
        var eventId = (await app.EventAsync(entity.Id, "boost-show", startsAt: DateTimeOffset.UtcNow.AddDays(9))).Id;
        var edit = await client.GetAsync("/manage/flash-boost/tours/boost-tour");
        var form = (IHtmlFormElement)edit.Document.QuerySelector($"#other-events li[data-event-id='{eventId}'] form.assign")!;
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => i.Name is not null)
            .Select(i => new KeyValuePair<string, string>(i.Name!, i.Value));

        using var request = new HttpRequestMessage(HttpMethod.Post, form.GetAttribute("action")) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Boosted", "true");
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/manage/flash-boost/tours/boost-tour", response.Headers.GetValues("HX-Redirect").Single());
        Assert.Equal("Stop added.", Flashes((await client.GetAsync("/manage/flash-boost/tours/boost-tour")).Document).Single());
    }

    private static List<string> Flashes(IHtmlDocument document) =>
        document.QuerySelectorAll(".flash").Select(f => f.TextContent.Trim()).ToList();
}
