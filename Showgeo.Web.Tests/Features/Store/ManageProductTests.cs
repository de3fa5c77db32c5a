using System.Net;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Infrastructure.Outbox;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Features.Store;

/// <summary>Managers create products through the form; bad input gets a message and writes nothing.</summary>
public sealed class ManageProductTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    private static Dictionary<string, string> Valid(string name) => new()
    {
        ["Input.Name"] = name, ["Input.Description"] = "Soft.", ["Input.Kind"] = "Physical", ["Input.Price"] = "25.00",
        ["Input.Currency"] = "EUR", ["Input.Visibility"] = "Public", ["Input.MaxPerOrder"] = "5", ["Input.Variants"] = "S = 3\nM = 4",
    };

    private static async Task<HttpResponseMessage> PostFormAsync(WebClient client, string url, IHtmlDocument tokenSource,
        Dictionary<string, string> fields, (string Name, string FileName, string ContentType, byte[] Bytes)? file = null)
    {
        var token = tokenSource.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(token), "__RequestVerificationToken");
        foreach (var (k, v) in fields) content.Add(new StringContent(v), k);
        if (file is { } f)
        {
            var part = new ByteArrayContent(f.Bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(f.ContentType);
            content.Add(part, f.Name, f.FileName);
        }
        return await client.Http.PostAsync(url, content);
    }

    [Fact]
    public async Task A_manager_creates_a_physical_product_with_options_and_it_goes_on_sale_with_a_drop_event()
    {
        var s = await app.StoreAsync();
        using var manager = await app.SignedInAsync(s.Manager);
        var url = $"/manage/{s.Entity.Slug}/store/products";
        var form = await manager.GetAsync(url);
        using var saved = await PostFormAsync(manager, url, form.Document, Valid("Tour Hoodie"));
        Assert.True(saved.IsRedirect(), await saved.Content.ReadAsStringAsync());

        await using var db = app.CreateDb();
        var p = await db.Set<Product>().Include(x => x.Variants).SingleAsync(x => x.EntityId == s.Entity.Id && x.Name == "Tour Hoodie");
        Assert.Equal(("tour-hoodie", 2500L, 2), (p.Slug, p.PriceMinor, p.Variants.Count));
        Assert.Equal([("S", 3), ("M", 4)], p.Variants.OrderBy(v => v.Position).Select(v => (v.Name, v.Stock ?? -1)).ToArray());
        Assert.NotNull(p.DroppedAt);
        var drops = await db.Set<OutboxMessage>().Where(m => m.Type == nameof(ProductDropped)).Select(m => m.Payload).ToListAsync();
        Assert.True(drops.Any(d => d.Contains(p.Id.ToString())), string.Join("\n", drops) + " / " + p.Id);
        var store = await manager.GetAsync($"/manage/{s.Entity.Slug}/store");
        Assert.True(store.Response.StatusCode == HttpStatusCode.OK, store.Html);
        Assert.Contains(store.Document.QuerySelectorAll("[data-testid=manage-product]"), r => r.GetAttribute("data-slug") == "tour-hoodie");
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "Input.DropAt", "2020-01-01T10:00", "must be in the future" },
        { "Input.Name", "", "Give the product a name" },
        { "Input.Price", "-5", "Enter a price" },
        { "Input.Currency", "XX", "three-letter currency" },
        { "Input.Variants", "S = lots", "Name = stock" },
        { "Input.MaxPerOrder", "0", "Per-order limit" },
        { "Input.Kind", "Digital", "Upload the file" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_product_input_is_refused_with_a_message_and_nothing_is_written(string field, string value, string message)
    {
        var s = await app.StoreAsync();
        using var manager = await app.SignedInAsync(s.Manager);
        var url = $"/manage/{s.Entity.Slug}/store/products";
        var form = await manager.GetAsync(url);
        var fields = Valid("Bad " + field);
        fields[field] = value;
        using var r = await PostFormAsync(manager, url, form.Document, fields);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(message, await r.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        Assert.Equal(1, await db.Set<Product>().CountAsync(p => p.EntityId == s.Entity.Id));
    }

    [Fact]
    public async Task A_digital_product_refuses_a_file_of_a_type_that_is_not_allowed_and_stores_nothing()
    {
        var s = await app.StoreAsync();
        using var manager = await app.SignedInAsync(s.Manager);
        var url = $"/manage/{s.Entity.Slug}/store/products";
        var form = await manager.GetAsync(url);
        var fields = Valid("Booklet");
        fields["Input.Kind"] = "Digital";
        fields["Input.Variants"] = "";
        using var r = await PostFormAsync(manager, url, form.Document, fields, ("DigitalFile", "run.exe", "application/octet-stream", Encoding.ASCII.GetBytes("MZ not a pdf")));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("run.exe", await r.Content.ReadAsStringAsync());
        await using var db = app.CreateDb();
        Assert.False(await db.Set<Product>().AnyAsync(p => p.Name == "Booklet"));
        Assert.False(await db.Set<Showgeo.Web.Features.Assets.Asset>().AnyAsync(a => a.EntityId == s.Entity.Id));

        using var ok = await PostFormAsync(manager, url, form.Document, fields, ("DigitalFile", "booklet.pdf", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4\nbooklet")));
        Assert.True(ok.IsRedirect(), await ok.Content.ReadAsStringAsync());
        var p = await db.Set<Product>().Include(x => x.Variants).SingleAsync(x => x.Name == "Booklet");
        Assert.Null(Assert.Single(p.Variants).Stock);
        Assert.True((await db.Set<Showgeo.Web.Features.Assets.Asset>().SingleAsync(a => a.Id == p.DigitalAssetId)).IsPrivate);
    }

    [Fact]
    public async Task Coordinators_and_strangers_cannot_manage_products()
    {
        var s = await app.StoreAsync();
        var coordinator = await app.UserAsync();
        await app.AddMemberAsync(s.Entity.Id, coordinator.Id, EntityRole.Coordinator);
        using var door = await app.SignedInAsync(coordinator);
        Assert.Equal(HttpStatusCode.Forbidden, (await door.GetAsync($"/manage/{s.Entity.Slug}/store/products")).Response.StatusCode);
        var (stranger, _) = await app.SignedInUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/manage/{s.Entity.Slug}/store")).Response.StatusCode);
        var token = await stranger.GetAsync("/cart");
        using var r = await stranger.PostAsync($"/manage/{s.Entity.Slug}/store/products", token.Document, Valid("Sneaky"));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        await using var db = app.CreateDb();
        Assert.False(await db.Set<Product>().AnyAsync(p => p.Name == "Sneaky"));
    }
}
