using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Showgeo.Web.Infrastructure;

namespace Showgeo.Web.Features.Posts;

public sealed class PostsOptions
{
    public const string Section = "Posts";

    /// <summary>How often scheduled posts whose time came are recorded and announced (<see cref="PostPublished"/>).</summary>
    public int PublishCheckSeconds { get; set; } = 15;
    /// <summary>Comments one person may post per <see cref="CommentWindowSeconds"/>, across every post and instance.</summary>
    public int CommentsPerWindow { get; set; } = 5;
    public int CommentWindowSeconds { get; set; } = 30;

    public void Validate()
    {
        if (PublishCheckSeconds < 1) throw new RequiredSettingException("Posts:PublishCheckSeconds", "must be at least 1.");
        if (CommentsPerWindow < 1) throw new RequiredSettingException("Posts:CommentsPerWindow", "must be at least 1.");
        if (CommentWindowSeconds < 1) throw new RequiredSettingException("Posts:CommentWindowSeconds", "must be at least 1.");
    }
}

/// <summary>Wires creator posts: the access rule's lookups, comments, the scheduled-publish job and sign-in for the back office and feed.</summary>
public static class PostsSetup
{
    public static WebApplicationBuilder AddShowgeoPosts(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PostsOptions.Section).Get<PostsOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddScoped<PostReaders>();
        builder.Services.AddScoped<PostComments>();
        builder.Services.AddScoped<PostCards>();
        builder.Services.AddRecurringJob<PostPublishJob>(PostPublishJob.Name, Cadence.Every(TimeSpan.FromSeconds(options.PublishCheckSeconds)));
        builder.Services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Posts/Manage");
            o.Conventions.AuthorizePage("/Posts/Feed");
        });
        return builder;
    }
}
