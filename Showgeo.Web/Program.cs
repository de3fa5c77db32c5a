using Showgeo.Web.Data;
using Showgeo.Web.Features.Account;
using Showgeo.Web.Features.Assets;
using Showgeo.Web.Features.Chat;
using Showgeo.Web.Features.Entities;
using Showgeo.Web.Features.Events;
using Showgeo.Web.Features.Follow;
using Showgeo.Web.Features.Memberships;
using Showgeo.Web.Features.Notifications;
using Showgeo.Web.Features.Payments;
using Showgeo.Web.Features.Posts;
using Showgeo.Web.Features.Store;
using Showgeo.Web.Features.Streaming;
using Showgeo.Web.Features.Tickets;
using Showgeo.Web.Infrastructure;
using Showgeo.Web.Infrastructure.Live;
using Showgeo.Web.Infrastructure.Outbox;

var builder = WebApplication.CreateBuilder(args);

builder.AddShowgeoTelemetry();
builder.AddShowgeoData();
builder.AddShowgeoIdentity();
builder.AddShowgeoWeb();
builder.AddShowgeoPageCache();
builder.AddShowgeoRateLimits();
builder.AddShowgeoOutbox();
builder.AddShowgeoLive();
builder.AddShowgeoScheduling();
builder.AddShowgeoEntities();
builder.AddShowgeoFollow();
builder.AddShowgeoAssets();
builder.AddShowgeoEvents();
builder.AddShowgeoPayments();
builder.AddShowgeoTicketing();
builder.AddShowgeoChat();
builder.AddShowgeoNotifications();
builder.AddShowgeoStore();
builder.AddShowgeoMemberships();
builder.AddShowgeoPosts();
builder.AddShowgeoStreaming();
builder.AddShowgeoStreamPages();

var app = builder.Build();

app.UseShowgeoPipeline();
app.MapShowgeoHealth();
app.MapShowgeoAssets();
app.MapShowgeoPayments();
app.MapShowgeoStreaming();
app.MapShowgeoLive();
app.MapRazorPages();
app.UseShowgeoScheduling();

app.Run();

public partial class Program;
