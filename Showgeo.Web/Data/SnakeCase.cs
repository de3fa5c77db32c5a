using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Showgeo.Web.Data;

/// <summary>Maps every table, column, key and index to snake_case so the SQL migrations read naturally.</summary>
internal static class SnakeCase
{
    public static string Convert(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) ||
                    (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table && !table.All(ch => char.IsLower(ch) || ch == '_' || char.IsDigit(ch)))
                entity.SetTableName(Convert(table));
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            foreach (var p in entity.GetProperties())
                p.SetColumnName(Convert(p.GetColumnName(store) ?? p.Name));
            foreach (var k in entity.GetKeys())
                k.SetName(Convert(k.GetName() ?? "pk"));
            foreach (var fk in entity.GetForeignKeys())
                fk.SetConstraintName(Convert(fk.GetConstraintName() ?? "fk"));
            foreach (var ix in entity.GetIndexes())
                ix.SetDatabaseName(Convert(ix.GetDatabaseName() ?? "ix"));
        }
    }
}
