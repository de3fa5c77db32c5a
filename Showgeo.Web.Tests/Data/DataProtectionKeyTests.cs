using System.Net;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

/// <summary>Keys live in PostgreSQL, so a cookie issued by one instance is honoured by another (or after a restart).</summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await TestDatabase.CloneAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_database);

    private sealed class AppOn(string database) : ShowgeoApp
    {
        protected override Task ConfigureAsync(IDictionary<string, string?> settings)
        {
            settings["ConnectionStrings:Showgeo"] = database;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Sign_in_cookie_and_antiforgery_token_from_one_instance_work_on_the_next()
    {
        var first = new AppOn(_database);
        await first.InitializeAsync();
        using var client = await first.SignedInAsync(await first.UserAsync("keys@example.com", "Key Keeper"));
        var manage = await client.GetAsync("/account/manage");
        var cookies = client.Cookies.GetAllCookies();
        await using (var db = new Showgeo.Web.Data.ShowgeoDb(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Showgeo.Web.Data.ShowgeoDb>()
                         .UseNpgsql(_database).Options))
            Assert.NotEmpty(db.Set<Showgeo.Web.Data.DataProtectionKey>().ToList());
        await first.DisposeAsync();

        var second = new AppOn(_database);
        await second.InitializeAsync();
        try
        {
            using var next = second.CreateClient();
            foreach (Cookie c in cookies)
                next.Cookies.Add(new Cookie(c.Name, c.Value, "/", second.BaseAddress.Host));

            var page = await next.GetAsync("/account/manage");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal("/account/manage", page.Path);
            Assert.Contains("keys@example.com", page.Text);

            // A form rendered by the first instance still posts to the second.
            var changed = await next.SubmitAsync(manage.Document, "#change-password-form", new Dictionary<string, string>
            {
                ["Input.CurrentPassword"] = Arrange.Password,
                ["Input.NewPassword"] = "correct-horse-10",
                ["Input.ConfirmPassword"] = "correct-horse-10",
            });
            Assert.Equal(HttpStatusCode.OK, changed.Status);
            Assert.Contains("Your password was changed", changed.Text);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
