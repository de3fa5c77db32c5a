using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Showgeo.Web.Data;
using Showgeo.Web.Tests.Infrastructure;

namespace Showgeo.Web.Tests.Data;

/// <summary>
/// The SQL in migrations/ and the EF model must describe the same schema: every table, column (type, nullability),
/// primary key, index and foreign key, in both directions. A property added in C# without a migration fails here.
/// </summary>
public sealed class SchemaMatchesModelTests : IAsyncLifetime
{
    /// <summary>Tables the migrations own that EF does not map.</summary>
    private static readonly HashSet<string> TablesOutsideTheModel = ["schema_migrations"];

    /// <summary>
    /// Indexes EF cannot express (expression, GiST/GIN, partial with functions). Add one only with a reason beside it.
    /// </summary>
    private static readonly HashSet<string> IndexesOutsideTheModel = [];

    [Theory]
    [InlineData("varchar(100)", "character varying(100)")]
    [InlineData("character varying(100)", "character varying(100)")]
    [InlineData("timestamptz", "timestamp with time zone")]
    [InlineData("timestamp with time zone", "timestamp with time zone")]
    [InlineData("int4", "integer")]
    [InlineData("text[]", "text[]")]
    [InlineData("varchar(20)[]", "character varying(20)[]")]
    [InlineData("numeric(10, 2)", "numeric(10,2)")]
    [InlineData("timestamp(3) with time zone", "timestamp(3) with time zone")]
    [InlineData("char(2)", "character(2)")]
    public void Type_spellings_are_normalised(string spelling, string normalised) =>
        Assert.Equal(normalised, NormaliseType(spelling));

    private string _cs = "";

    public async Task InitializeAsync() => _cs = await TestDatabase.CloneAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_cs);

    [Fact]
    public async Task Migrated_schema_equals_the_ef_model()
    {
        await using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(_cs).Options);

        var model = Describe(db.Model.GetRelationalModel());
        var differences = SchemaDifferences(model, await DescribeDatabaseAsync(_cs));

        Assert.Contains("users", model.Tables.Keys);
        Assert.Contains("user_logins", model.Tables.Keys);
        Assert.True(differences.Count == 0, "The migrations and the EF model disagree:\n  " + string.Join("\n  ", differences));
    }

    [Fact]
    public async Task A_property_added_without_a_migration_is_reported()
    {
        // The same model plus one mapped property that no migration creates.
        await using var db = new ShowgeoDb(new DbContextOptionsBuilder<ShowgeoDb>().UseNpgsql(_cs)
            .ReplaceService<IModelCustomizer, ExtraPropertyCustomizer>().Options);

        var differences = SchemaDifferences(Describe(db.Model.GetRelationalModel()), await DescribeDatabaseAsync(_cs));

        Assert.Contains(differences, d => d.Contains("users.favourite_colour") && d.Contains("missing from the migrations"));
        Assert.Single(differences);
    }

    private sealed class ExtraPropertyCustomizer(ModelCustomizerDependencies deps) : RelationalModelCustomizer(deps)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<AppUser>().Property<string>("FavouriteColour").HasColumnName("favourite_colour").HasMaxLength(20);
        }
    }

    private sealed record Column(string Type, bool Nullable);
    private sealed record Index(string Table, bool Unique, string Columns);
    private sealed record ForeignKey(string Table, string Columns, string PrincipalTable, string PrincipalColumns, string OnDelete);

    private sealed class Schema
    {
        public SortedDictionary<string, SortedDictionary<string, Column>> Tables { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, string> PrimaryKeys { get; } = new(StringComparer.Ordinal);   // table -> "name(cols)"
        public SortedDictionary<string, Index> Indexes { get; } = new(StringComparer.Ordinal);        // by index name
        public SortedDictionary<string, ForeignKey> ForeignKeys { get; } = new(StringComparer.Ordinal); // by constraint name
    }

    private static Schema Describe(IRelationalModel model)
    {
        var schema = new Schema();
        foreach (var table in model.Tables.Where(t => t.Schema is null or "public"))
        {
            schema.Tables[table.Name] = new(table.Columns.ToDictionary(
                c => c.Name, c => new Column(NormaliseType(c.StoreType), c.IsNullable)), StringComparer.Ordinal);
            if (table.PrimaryKey is { } pk)
                schema.PrimaryKeys[table.Name] = $"{pk.Name}({string.Join(",", pk.Columns.Select(c => c.Name))})";
            foreach (var ix in table.Indexes)
                schema.Indexes[ix.Name] = new Index(table.Name, ix.IsUnique, string.Join(",", ix.Columns.Select(c => c.Name)));
            foreach (var uc in table.UniqueConstraints.Where(u => !u.GetIsPrimaryKey()))
                schema.Indexes[uc.Name] = new Index(table.Name, true, string.Join(",", uc.Columns.Select(c => c.Name)));
            foreach (var fk in table.ForeignKeyConstraints)
                schema.ForeignKeys[fk.Name] = new ForeignKey(table.Name, string.Join(",", fk.Columns.Select(c => c.Name)),
                    fk.PrincipalTable.Name, string.Join(",", fk.PrincipalColumns.Select(c => c.Name)), OnDelete(fk.OnDeleteAction));
        }
        return schema;
    }

    private static string OnDelete(ReferentialAction action) => action switch
    {
        ReferentialAction.Cascade => "cascade",
        ReferentialAction.SetNull => "set null",
        ReferentialAction.SetDefault => "set default",
        ReferentialAction.Restrict => "restrict",
        _ => "no action",
    };

    private static async Task<Schema> DescribeDatabaseAsync(string cs)
    {
        var schema = new Schema();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();

        await ReadAsync(conn, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            """, r =>
        {
            var table = r.GetString(0);
            if (TablesOutsideTheModel.Contains(table)) return;
            if (!schema.Tables.TryGetValue(table, out var columns))
                schema.Tables[table] = columns = new(StringComparer.Ordinal);
            columns[r.GetString(1)] = new Column(NormaliseType(r.GetString(2)), r.GetBoolean(3));
        });

        await ReadAsync(conn, """
            SELECT t.relname, i.relname, x.indisunique, x.indisprimary,
                   array(SELECT coalesce(a.attname, '(expression)')
                         FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                         LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                         WHERE k.ord <= x.indnkeyatts
                         ORDER BY k.ord)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public'
            """, r =>
        {
            var table = r.GetString(0);
            if (TablesOutsideTheModel.Contains(table)) return;
            var columns = string.Join(",", r.GetFieldValue<string[]>(4));
            if (r.GetBoolean(3))
                schema.PrimaryKeys[table] = $"{r.GetString(1)}({columns})";
            else if (!IndexesOutsideTheModel.Contains(r.GetString(1)))
                schema.Indexes[r.GetString(1)] = new Index(table, r.GetBoolean(2), columns);
        });

        await ReadAsync(conn, """
            SELECT t.relname, con.conname,
                   array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
                   p.relname,
                   array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord),
                   con.confdeltype::text
            FROM pg_constraint con
            JOIN pg_class t ON t.oid = con.conrelid
            JOIN pg_class p ON p.oid = con.confrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND con.contype = 'f'
            """, r =>
        {
            if (TablesOutsideTheModel.Contains(r.GetString(0))) return;
            schema.ForeignKeys[r.GetString(1)] = new ForeignKey(r.GetString(0), string.Join(",", r.GetFieldValue<string[]>(2)),
                r.GetString(3), string.Join(",", r.GetFieldValue<string[]>(4)), r.GetString(5) switch
                {
                    "c" => "cascade",
                    "n" => "set null",
                    "d" => "set default",
                    "r" => "restrict",
                    _ => "no action",
                });
        });
        return schema;
    }

    private static async Task ReadAsync(NpgsqlConnection conn, string sql, Action<NpgsqlDataReader> row)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) row(reader);
    }

    private static List<string> SchemaDifferences(Schema model, Schema database)
    {
        var diffs = new List<string>();
        foreach (var table in model.Tables.Keys.Except(database.Tables.Keys))
            diffs.Add($"table {table} is in the EF model but missing from the migrations");
        foreach (var table in database.Tables.Keys.Except(model.Tables.Keys))
            diffs.Add($"table {table} is created by the migrations but not mapped in the EF model");

        foreach (var (table, modelColumns) in model.Tables)
        {
            if (!database.Tables.TryGetValue(table, out var dbColumns)) continue;
            foreach (var name in modelColumns.Keys.Except(dbColumns.Keys))
                diffs.Add($"column {table}.{name} ({modelColumns[name].Type}) is in the EF model but missing from the migrations");
            foreach (var name in dbColumns.Keys.Except(modelColumns.Keys))
                diffs.Add($"column {table}.{name} ({dbColumns[name].Type}) is in the migrations but not mapped in the EF model");
            foreach (var (name, m) in modelColumns)
            {
                if (!dbColumns.TryGetValue(name, out var d)) continue;
                if (m.Type != d.Type) diffs.Add($"column {table}.{name}: EF expects type {m.Type}, migrations create {d.Type}");
                if (m.Nullable != d.Nullable)
                    diffs.Add($"column {table}.{name}: EF expects {(m.Nullable ? "NULL" : "NOT NULL")}, migrations create {(d.Nullable ? "NULL" : "NOT NULL")}");
            }
            if (database.Tables.ContainsKey(table))
            {
                model.PrimaryKeys.TryGetValue(table, out var mpk);
                database.PrimaryKeys.TryGetValue(table, out var dpk);
                if (mpk != dpk) diffs.Add($"primary key of {table}: EF expects {mpk ?? "none"}, migrations create {dpk ?? "none"}");
            }
        }

        Compare("index", model.Indexes, database.Indexes, diffs);
        Compare("foreign key", model.ForeignKeys, database.ForeignKeys, diffs);
        return diffs;
    }

    private static void Compare<T>(string kind, SortedDictionary<string, T> model, SortedDictionary<string, T> database, List<string> diffs)
    {
        foreach (var name in model.Keys.Except(database.Keys))
            diffs.Add($"{kind} {name} {model[name]} is in the EF model but missing from the migrations");
        foreach (var name in database.Keys.Except(model.Keys))
            diffs.Add($"{kind} {name} {database[name]} is created by the migrations but not in the EF model");
        foreach (var name in model.Keys.Intersect(database.Keys).Where(n => !Equals(model[n], database[n])))
            diffs.Add($"{kind} {name}: EF expects {model[name]}, migrations create {database[name]}");
    }

    /// <summary>Brings EF store types and PostgreSQL's format_type output to one spelling.</summary>
    internal static string NormaliseType(string type)
    {
        var t = Regex.Replace(type.Trim().ToLowerInvariant(), @"\s+", " ");
        var array = "";
        while (t.EndsWith("[]", StringComparison.Ordinal))
        {
            array += "[]";
            t = t[..^2].TrimEnd();
        }
        var m = Regex.Match(t, @"^(?<base>[a-z ]+?)\s*(?<args>\(.*\))?(?<tz> with(out)? time zone)?$");
        var name = m.Success ? m.Groups["base"].Value : t;
        var args = m.Success ? m.Groups["args"].Value.Replace(" ", "") : "";
        var tz = m.Success ? m.Groups["tz"].Value : "";
        name = (name + tz) switch
        {
            "varchar" => "character varying",
            "char" or "bpchar" => "character",
            "timestamptz" => "timestamp with time zone",
            "timestamp" => "timestamp without time zone",
            "timetz" => "time with time zone",
            "time" => "time without time zone",
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "int2" => "smallint",
            "bool" => "boolean",
            "float8" => "double precision",
            "float4" => "real",
            "decimal" => "numeric",
            var other => other,
        };
        // "timestamp(3) with time zone" keeps its precision between the name parts, as PostgreSQL prints it.
        if (args.Length > 0 && name.Contains(" with", StringComparison.Ordinal))
        {
            var at = name.IndexOf(" with", StringComparison.Ordinal);
            return name[..at] + args + name[at..] + array;
        }
        return name + args + array;
    }
}
