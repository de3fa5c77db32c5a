using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Tests.Infrastructure;
using WebClient = Showgeo.Web.Tests.Infrastructure.WebClient;

namespace Showgeo.Web.Tests.Features.Account;

public sealed class EmailConfirmationTests(ShowgeoApp app) : IClassFixture<ShowgeoApp>
{
    [Fact]
    public async Task Registering_mails_a_link_that_confirms_the_address_and_signs_in_at_once()
    {
        using var client = app.CreateClient();

        var page = await client.RegisterAsync("Erin@Example.com", "erin-pass-1", "Erin");

        Assert.Equal("Erin", page.Document.QuerySelector("[data-testid=user-name]")?.TextContent.Trim());
        Assert.Contains("We sent a link to Erin@Example.com", page.Text);
        Assert.False(await ConfirmedAsync("ERIN@EXAMPLE.COM"));
        var mail = Assert.Single(Mailbox.Sent, m => m.To == "Erin@Example.com");
        Assert.Equal("Confirm your Showgeo email address", mail.Subject);

        var confirmed = await client.GetAsync(LinkIn(mail.HtmlBody));

        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.NotNull(confirmed.Document.QuerySelector("[data-testid=email-confirmed]"));
        Assert.True(await ConfirmedAsync("ERIN@EXAMPLE.COM"));
    }

    [Fact]
    public async Task A_tampered_or_foreign_confirmation_link_confirms_nothing()
    {
        using var client = app.CreateClient();
        await client.RegisterAsync("fred@example.com", "fred-pass-1", "Fred");
        var own = new Uri(app.BaseAddress, LinkIn(Mailbox.Sent.First(m => m.To == "fred@example.com").HtmlBody));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(own.Query);
        var other = await app.UserAsync("gail@example.com", "Gail");

        var tampered = await client.GetAsync($"/account/confirm-email?userId={query["userId"]}&code={query["code"]}x");
        var foreign = await client.GetAsync($"/account/confirm-email?userId={other.Id}&code={query["code"]}");
        var garbage = await client.GetAsync($"/account/confirm-email?userId={other.Id}&code=%%%");

        foreach (var page in new[] { tampered, foreign, garbage })
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Null(page.Document.QuerySelector("[data-testid=email-confirmed]"));
        }
        Assert.False(await ConfirmedAsync("FRED@EXAMPLE.COM"));
        Assert.False(await ConfirmedAsync("GAIL@EXAMPLE.COM"));
    }

    [Fact]
    public async Task The_sent_mail_page_is_not_served_outside_development()
    {
        using var client = app.CreateClient();

        var page = await client.GetAsync("/dev/mail");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
    }

    [Theory]
    [InlineData("smtp.example.com", "user", null, "Email:SmtpPassword")]
    [InlineData("smtp.example.com", null, "secret", "Email:SmtpUser")]
    public void Half_a_set_of_smtp_credentials_stops_startup_naming_the_missing_setting(string host, string? user, string? password, string missing)
    {
        var ex = Assert.Throws<RequiredSettingException>(() =>
            new EmailOptions { SmtpHost = host, SmtpUser = user, SmtpPassword = password }.Validate());
        Assert.Equal(missing, ex.Setting);
    }

    [Fact]
    public void A_from_address_that_is_not_an_email_stops_startup()
    {
        var ex = Assert.Throws<RequiredSettingException>(() => new EmailOptions { SmtpHost = "smtp.example.com", From = "nobody" }.Validate());
        Assert.Equal("Email:From", ex.Setting);
    }

    private InMemoryEmailSender Mailbox => app.Services.GetRequiredService<InMemoryEmailSender>();

    private static string LinkIn(string html) =>
        new Uri(WebClient.Parse(html).QuerySelector("a")!.GetAttribute("href")!).PathAndQuery;

    private async Task<bool> ConfirmedAsync(string normalizedEmail)
    {
        await using var db = app.CreateDb();
        return await db.Users.Where(u => u.NormalizedEmail == normalizedEmail).Select(u => u.EmailConfirmed).SingleAsync();
    }
}

/// <summary>The app in the Development environment, where mail is kept for <c>/dev/mail</c>.</summary>
public sealed class DevelopmentApp : ShowgeoApp
{
    protected override string EnvironmentName => "Development";
}

public sealed class DevelopmentMailPageTests(DevelopmentApp app) : IClassFixture<DevelopmentApp>
{
    [Fact]
    public async Task Development_lists_sent_mail_with_its_working_confirmation_link()
    {
        using var client = app.CreateClient();
        await client.RegisterAsync("dora@example.com", "dora-pass-1", "Dora <Dev>");

        var page = await client.GetAsync("/dev/mail");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var mail = page.Document.QuerySelectorAll("article.dev-mail")
            .Single(a => a.QuerySelector("[data-testid=mail-to]")?.TextContent == "dora@example.com");
        Assert.Contains("Hello Dora <Dev>,", mail.TextContent);
        // The page shows the mail as text and links only; nothing of its HTML is written out as markup.
        Assert.Empty(mail.QuerySelectorAll(".dev-mail-body *:not(p):not(a)"));
        var link = mail.QuerySelector(".dev-mail-body a")!.GetAttribute("href")!;
        var confirmed = await client.GetAsync(new Uri(link).PathAndQuery);
        Assert.NotNull(confirmed.Document.QuerySelector("[data-testid=email-confirmed]"));
    }
}
