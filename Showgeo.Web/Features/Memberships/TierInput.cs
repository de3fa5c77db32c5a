using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Showgeo.Web.Features.Payments;

namespace Showgeo.Web.Features.Memberships;

/// <summary>A tier as the manage form sends it, and its validation.</summary>
public sealed class TierInput
{
    /// <summary>10,000.00 in a two-decimal currency, ¥1,000,000 in a zero-decimal one: above that a typo is likelier than a tier.</summary>
    public const long MaxPriceMinor = 1_000_000;
    public const int MaxMemberLimit = 1_000_000;

    /// <summary>
    /// ISO 4217 codes in use (https://www.iso.org/iso-4217-currency-codes.html); the app runs with invariant
    /// globalization, so RegionInfo cannot supply them. Left out: three-decimal currencies and zero-decimal ones that
    /// <see cref="Money"/> does not know, whose minor units it would get wrong.
    /// </summary>
    public static readonly IReadOnlySet<string> IsoCurrencies = new HashSet<string>(StringComparer.Ordinal)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND", "BOB",
        "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DKK",
        "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL",
        "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "ISK", "JMD", "JPY", "KES", "KGS", "KHR", "KPW", "KRW", "KYD", "KZT", "LAK",
        "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN",
        "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR",
        "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
        "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "WST", "XCD", "YER", "ZAR", "ZMW",
    };

    public string? Name { get; set; }
    public int Rank { get; set; } = 1;
    public string? Price { get; set; }
    public string? Currency { get; set; } = "EUR";
    public string? Perks { get; set; }
    public int? MemberLimit { get; set; }

    public sealed record Valid(string Name, int Rank, long PriceMinor, string Currency, string Perks, int? MemberLimit);

    public static TierInput From(MembershipTier t) => new()
    {
        Name = t.Name, Rank = t.Rank, Currency = t.Currency, Perks = t.Perks, MemberLimit = t.MemberLimit,
        Price = Money.Decimals(t.Currency) == 0 ? t.PriceMinor.ToString(CultureInfo.InvariantCulture)
            : (t.PriceMinor / 100m).ToString("0.00", CultureInfo.InvariantCulture),
    };

    /// <summary>The cleaned tier, or null with the reasons in <paramref name="errors"/> under "Input.*".</summary>
    public Valid? Validate(ModelStateDictionary errors)
    {
        var name = Name?.Trim() ?? "";
        var perks = Perks?.Trim() ?? "";
        var currency = Currency?.Trim().ToUpperInvariant() ?? "";
        if (name.Length is 0 or > 80) errors.AddModelError("Input.Name", "Give the tier a name (up to 80 characters).");
        if (Rank is < 1 or > 100) errors.AddModelError("Input.Rank", "The order must be between 1 (the lowest tier) and 100.");
        if (perks.Length > 2000) errors.AddModelError("Input.Perks", "Perks can be up to 2,000 characters.");
        if (MemberLimit is { } limit && limit is < 1 or > MaxMemberLimit)
            errors.AddModelError("Input.MemberLimit", $"The member limit must be between 1 and {MaxMemberLimit:N0}, or empty for no limit.");
        long? price = null;
        if (!IsoCurrencies.Contains(currency)) errors.AddModelError("Input.Currency", "Use an ISO currency code such as EUR, GBP or USD.");
        else
        {
            price = Money.ParseMinor(Price?.Trim(), currency);
            if (price is not { } p || p <= 0)
                errors.AddModelError("Input.Price", $"Enter a monthly price above zero, such as {(Money.Decimals(currency) == 0 ? "500" : "5.00")}.");
            else if (p > MaxPriceMinor)
                errors.AddModelError("Input.Price", $"A monthly price can be at most {Money.Format(MaxPriceMinor, currency)}.");
        }
        return errors.IsValid ? new Valid(name, Rank, price!.Value, currency, perks, MemberLimit) : null;
    }
}
