using Showgeo.Web.Data;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddShowgeoData();
builder.AddShowgeoIdentity();
builder.AddShowgeoWeb();

var app = builder.Build();

app.UseShowgeoPipeline();
app.MapShowgeoHealth();
app.MapRazorPages();

app.Run();

public partial class Program;
