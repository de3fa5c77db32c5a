using System.Net;
using System.Xml.Linq;
using Showgeo.Web.Data;
using Microsoft.EntityFrameworkCore;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

/// <summary>Keys live in PostgreSQL, so a cookie issued by one instance is honoured by another (or after a restart).</summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await TestDatabase.CloneAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_database);

    private sealed class AppOn(string database, string? keyEncryptionKey = null) : ShowgeoApp
    {
        protected override Task ConfigureAsync(IDictionary<string, string?> settings)
        {
            settings["ConnectionStrings:Showgeo"] = database;
            if (keyEncryptionKey is not null) settings["DataProtection:KeyEncryptionKey"] = keyEncryptionKey;
            return Task.CompletedTask;
        }
    }

    private static readonly string Kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static IEnumerable<XElement> Named(XElement root, string localName) =>
        root.Descendants().Where(e => e.Name.LocalName == localName);

    private List<XElement> StoredKeys()
    {
        using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(_database).Options);
        return db.Set<DataProtectionKey>().OrderBy(k => k.Id).Select(k => k.Xml).ToList().Select(x => XElement.Parse(x)).ToList();
    }

    /// <summary>Signs in on one instance, then proves the cookie still signs in on a fresh instance with the same settings.</summary>
    private async Task CookieFromOneInstanceWorksOnTheNextAsync(string? kek, string email)
    {
        var first = new AppOn(_database, kek);
        await first.InitializeAsync();
        CookieCollection cookies;
        try
        {
            using var client = await first.SignedInAsync(await first.UserAsync(email, "Key Keeper"));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/manage")).Status);
            cookies = client.Cookies.GetAllCookies();
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = new AppOn(_database, kek);
        await second.InitializeAsync();
        try
        {
            using var next = second.CreateClient();
            foreach (Cookie c in cookies)
                next.Cookies.Add(new Cookie(c.Name, c.Value, "/", second.BaseAddress.Host));
            var page = await next.GetAsync("/account/manage");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal("/account/manage", page.Path);
            Assert.Contains(email, page.Text);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_a_key_encryption_key_stored_keys_hold_no_plaintext_master_key_and_cookies_still_work_across_instances()
    {
        await CookieFromOneInstanceWorksOnTheNextAsync(Kek, "sealed@example.com");

        var key = Assert.Single(StoredKeys());
        Assert.Empty(Named(key, "masterKey"));
        var encrypted = Assert.Single(Named(key, "encryptedSecret"));
        Assert.Contains(typeof(AesGcmXmlDecryptor).FullName!, (string?)encrypted.Attribute("decryptorType") ?? "");
        // The secret is there, but only under the key-encryption key: decrypting it yields the master key.
        var kek = new KeyEncryptionOptions { KeyEncryptionKey = Kek }.Key()!;
        var masterKey = AesGcmXmlEncryptor.Decrypt(kek, encrypted.Element("encryptedKey")!);
        var value = masterKey.Descendants("value").Single().Value;
        Assert.True(Convert.FromBase64String(value).Length >= 32);
        Assert.DoesNotContain(value, key.ToString());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public async Task A_key_encryption_key_that_is_not_base64_of_32_bytes_stops_startup_naming_the_setting(string value)
    {
        var app = new AppOn(_database, value);
        var ex = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
        Assert.Contains("DataProtection:KeyEncryptionKey", ex.ToString());
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Without_the_setting_keys_are_stored_as_before_and_stay_readable_once_it_is_turned_on()
    {
        await CookieFromOneInstanceWorksOnTheNextAsync(null, "plain@example.com");
        var plain = Assert.Single(StoredKeys());
        Assert.Single(Named(plain, "masterKey"));
        Assert.Empty(Named(plain, "encryptedSecret"));

        // An existing unencrypted key keeps working after the operator adds the setting.
        await CookieFromOneInstanceWorksOnTheNextAsync(Kek, "later@example.com");
        Assert.Equal(plain.ToString(), StoredKeys()[0].ToString());
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
