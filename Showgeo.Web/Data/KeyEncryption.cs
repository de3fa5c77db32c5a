using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Data;

/// <summary>Optional encryption at rest for the Data Protection key ring stored in PostgreSQL.</summary>
public sealed class KeyEncryptionOptions
{
    public const string Section = "DataProtection";

    /// <summary>Base64 of at least 32 random bytes. When set, every new key is AES-GCM encrypted before it is stored.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>The AES-256 key derived from the setting, or null when encryption at rest is off.</summary>
    public byte[]? Key()
    {
        if (string.IsNullOrWhiteSpace(KeyEncryptionKey)) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(KeyEncryptionKey.Trim());
        }
        catch (FormatException)
        {
            throw new RequiredSettingException($"{Section}:KeyEncryptionKey", "is not base64 (generate one with `openssl rand -base64 32`).");
        }
        if (key.Length < 32)
            throw new RequiredSettingException($"{Section}:KeyEncryptionKey", $"decodes to {key.Length} bytes; it needs at least 32 (`openssl rand -base64 32`).");
        // The AES-256 key is derived, so a longer secret (whatever the host generates) works as well as exactly 32 bytes.
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: "Showgeo Data Protection key encryption"u8.ToArray());
    }
}

/// <summary>The key-encryption key, registered only when encryption at rest is on; the decryptor resolves it.</summary>
internal sealed record KeyEncryptionKey(byte[] Value);

/// <summary>
/// Encrypts a key element with AES-256-GCM under the configured key-encryption key. The framework stores the result
/// with a pointer to <see cref="AesGcmXmlDecryptor"/>; see
/// https://learn.microsoft.com/aspnet/core/security/data-protection/extensibility/key-management#ixmlencryptor
/// </summary>
internal sealed class AesGcmXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Value, TagSize))
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement("encryptedKey",
            new XComment(" AES-256-GCM under DataProtection:KeyEncryptionKey: nonce, tag, ciphertext "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }

    public static XElement Decrypt(byte[] key, XElement encryptedElement)
    {
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value")
            ?? throw new CryptographicException("The encrypted key has no value."));
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("The encrypted key is truncated.");
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key, TagSize))
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize),
                sealedBytes.AsSpan(NonceSize, TagSize), plaintext);
        try
        {
            return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>Created by the Data Protection system (through its service provider) for each stored encrypted key.</summary>
internal sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetService<KeyEncryptionKey>()
            ?? throw new InvalidOperationException(
                $"A Data Protection key is encrypted at rest, but {KeyEncryptionOptions.Section}:KeyEncryptionKey is not set.");
        return AesGcmXmlEncryptor.Decrypt(key.Value, encryptedElement);
    }
}
