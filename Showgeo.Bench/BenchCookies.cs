using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Showgeo.Web.Data;

namespace Showgeo.Bench;

/// <summary>Auth cookies straight from the app's own SignInManager: harnesses measure pages, not password hashing.</summary>
public static class BenchCookies
{
    /// <summary>The cookies a browser would hold after <paramref name="user"/> signed in, from a scope of the app.</summary>
    public static async Task<CookieContainer> SignInAsync(IServiceProvider scopeServices, AppUser user, Uri baseAddress)
    {
        var http = new DefaultHttpContext { RequestServices = scopeServices };
        http.Request.Scheme = baseAddress.Scheme;
        http.Request.Host = new HostString(baseAddress.Authority);
        var signIn = scopeServices.GetRequiredService<SignInManager<AppUser>>();
        signIn.Context = http;
        await signIn.SignInAsync(user, isPersistent: false);
        var jar = new CookieContainer();
        foreach (var header in http.Response.Headers.SetCookie) jar.SetCookies(baseAddress, header!);
        return jar;
    }
}
